package dev.courier.http.internal.cookie;

import dev.courier.http.Cookie;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Parses one Set-Cookie header value with the algorithm of RFC 6265 section 5.2, tightened where
 * RFC 6265bis section 5.6 and Go's net/http reject input: a malformed line gives an empty result,
 * never an exception.
 */
public final class SetCookieParser {
    private SetCookieParser() {
    }

    /** The cookie that {@code header} sets, or empty when the line must be ignored. */
    public static Optional<Cookie> parse(String header) {
        // RFC 6265bis 5.6: a control character anywhere (but HTAB) voids the whole line; it is
        // how header-injection and NUL-truncation tricks look.
        for (int i = 0; i < header.length(); i++) {
            if (CookieSyntax.isControl(header.charAt(i))) {
                return Optional.empty();
            }
        }
        int semicolon = header.indexOf(';');
        String nameValuePair = semicolon < 0 ? header : header.substring(0, semicolon);
        // 5.2 step 2: no '=' means no cookie. (6265bis would make "abc" a nameless cookie; RFC 6265,
        // Go and this client do not.)
        int equals = nameValuePair.indexOf('=');
        if (equals < 0) {
            return Optional.empty();
        }
        String name = CookieSyntax.trimWsp(nameValuePair.substring(0, equals));
        String value = CookieSyntax.trimWsp(nameValuePair.substring(equals + 1));
        // 5.2 step 5: an empty name voids the line; a name that is not a token cannot be sent back.
        if (!CookieSyntax.isValidName(name)) {
            return Optional.empty();
        }
        if (name.length() + value.length() > CookieSyntax.MAX_NAME_VALUE_LENGTH) {
            return Optional.empty();
        }
        Cookie.Builder cookie = Cookie.newBuilder(name, value);
        if (semicolon >= 0) {
            parseAttributes(header.substring(semicolon + 1), cookie);
        }
        return Optional.of(cookie.build());
    }

    /** RFC 6265 section 5.2 steps 1-6 for the unparsed-attributes; the last occurrence of each wins. */
    private static void parseAttributes(String attributes, Cookie.Builder cookie) {
        int start = 0;
        while (start <= attributes.length()) {
            int end = attributes.indexOf(';', start);
            if (end < 0) {
                end = attributes.length();
            }
            String av = attributes.substring(start, end);
            start = end + 1;
            int equals = av.indexOf('=');
            String name = CookieSyntax.trimWsp(equals < 0 ? av : av.substring(0, equals));
            String value = equals < 0 ? "" : CookieSyntax.trimWsp(av.substring(equals + 1));
            if (value.length() > CookieSyntax.MAX_ATTRIBUTE_VALUE_LENGTH) {
                continue; // RFC 6265bis 5.6: the attribute is ignored
            }
            switch (CookieSyntax.asciiLower(name)) {
                case "expires":
                    // 5.2.1: an unparsable date is ignored, not an error.
                    Optional<Instant> expires = CookieDateParser.parse(value);
                    expires.ifPresent(cookie::expires);
                    break;
                case "max-age":
                    Duration maxAge = parseMaxAge(value);
                    if (maxAge != null) {
                        cookie.maxAge(maxAge);
                    }
                    break;
                case "domain":
                    // 5.2.3: an empty Domain is ignored. The value is kept as sent (leading dot and
                    // case): the jar checks it against the request host (section 5.3 step 6).
                    if (!value.isEmpty()) {
                        cookie.domain(value);
                    }
                    break;
                case "path":
                    // 5.2.4: a Path that does not start with '/' means the default path, also when an
                    // earlier Path attribute was valid.
                    cookie.path(value.startsWith("/") ? value : null);
                    break;
                case "secure":
                    cookie.secure(true);
                    break;
                case "httponly":
                    cookie.httpOnly(true);
                    break;
                case "samesite":
                    // RFC 6265bis 5.6.7: an unknown value means "Default" (no SameSite).
                    cookie.sameSite(parseSameSite(value));
                    break;
                default:
                    // 5.2 step 6: unknown attributes are ignored.
                    break;
            }
        }
    }

    /**
     * 5.2.2: a first character that is neither DIGIT nor '-', or any later non-DIGIT, makes the
     * attribute ignored (null). Values beyond a long saturate: any of them means "forever" or "now".
     */
    private static Duration parseMaxAge(String value) {
        if (value.isEmpty()) {
            return null;
        }
        boolean negative = value.charAt(0) == '-';
        int start = negative ? 1 : 0;
        if (start == value.length()) {
            return null;
        }
        long seconds = 0;
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            seconds = seconds > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : seconds * 10 + (c - '0');
        }
        return Duration.ofSeconds(negative ? -seconds : seconds);
    }

    private static Cookie.SameSite parseSameSite(String value) {
        switch (CookieSyntax.asciiLower(value)) {
            case "strict":
                return Cookie.SameSite.STRICT;
            case "lax":
                return Cookie.SameSite.LAX;
            case "none":
                return Cookie.SameSite.NONE;
            default:
                return null;
        }
    }
}
