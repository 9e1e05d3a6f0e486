package dev.courier.http.internal.cookie;

/**
 * Character rules for cookie names, values and attribute values, shared by the Set-Cookie parser and
 * {@link dev.courier.http.Cookie.Builder}.
 */
public final class CookieSyntax {
    /** RFC 6265bis section 5.6 (Set-Cookie parsing): a name plus value longer than this is ignored. */
    public static final int MAX_NAME_VALUE_LENGTH = 4096;

    /** RFC 6265bis section 5.6: an attribute value longer than this is ignored. */
    public static final int MAX_ATTRIBUTE_VALUE_LENGTH = 1024;

    private CookieSyntax() {
    }

    /**
     * Whether {@code name} is a non-empty token (RFC 6265 section 4.1.1: cookie-name = token, RFC 9110
     * section 5.6.2). Browsers accept more, but a name with separators in it cannot be sent back
     * unambiguously, and Go's net/http drops such cookies too.
     */
    public static boolean isValidName(String name) {
        return indexOfInvalidNameChar(name) < 0 && !name.isEmpty();
    }

    /** The index of the first character of {@code name} that is not a tchar, or -1. */
    public static int indexOfInvalidNameChar(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first character of {@code value} that may not appear in a cookie value, or -1:
     * a control character other than HTAB (RFC 6265bis section 5.6) or a ';', which would end
     * the value in a Cookie header. Spaces, quotes, commas and non-ASCII text are kept as they came, as
     * browsers do, so that the server gets back exactly what it set.
     */
    public static int indexOfInvalidValueChar(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isControl(c) || c == ';') {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code c} is a CTL other than HTAB (RFC 5234 CTL = %x00-1F / %x7F). */
    public static boolean isControl(char c) {
        return c < 0x20 && c != '\t' || c == 0x7f;
    }

    /** Whether {@code c} is a tchar of RFC 9110 section 5.6.2. */
    public static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Removes leading and trailing SP and HTAB, the WSP that RFC 6265 section 5.2 trims. */
    public static String trimWsp(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWsp(s.charAt(start))) {
            start++;
        }
        while (end > start && isWsp(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /**
     * {@code s} with ASCII letters lower-cased and nothing else changed: attribute names, SameSite
     * values and month names are ASCII case-insensitive, and {@link String#toLowerCase} or
     * {@link String#equalsIgnoreCase} would also fold characters like U+017F into ASCII letters.
     */
    public static String asciiLower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] = (char) (chars[j] + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return s;
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }
}
