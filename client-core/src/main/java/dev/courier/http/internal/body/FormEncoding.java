package dev.courier.http.internal.body;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encodes form values as {@code application/x-www-form-urlencoded} exactly as Go's {@code url.Values.Encode}
 * does: keys sorted (by code point, which is Go's byte order of their UTF-8), each key's values in the
 * caller's order, every byte other than {@code A-Z a-z 0-9 - _ . ~} percent-encoded in upper-case hex
 * from UTF-8, and space as {@code +} (Go's {@code QueryEscape}). A key with no values contributes nothing.
 */
public final class FormEncoding {
    /** The media type of an encoded form (WHATWG URL, "application/x-www-form-urlencoded"). */
    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded";
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private FormEncoding() {
    }

    /** The encoded form; null keys or values are refused with a NullPointerException naming them. */
    public static byte[] encode(Map<String, ? extends Collection<String>> values) {
        Objects.requireNonNull(values, "form values");
        List<String> keys = new ArrayList<>(values.size());
        for (String key : values.keySet()) {
            keys.add(Objects.requireNonNull(key, "form key"));
        }
        keys.sort(FormEncoding::compareCodePoints);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String key : keys) {
            Collection<String> vs = Objects.requireNonNull(values.get(key), () -> "values of form key " + key);
            byte[] escapedKey = null;
            for (String v : vs) {
                Objects.requireNonNull(v, () -> "a value of form key " + key);
                if (escapedKey == null) {
                    escapedKey = queryEscape(key);
                }
                if (out.size() > 0) {
                    out.write('&');
                }
                out.writeBytes(escapedKey);
                out.write('=');
                out.writeBytes(queryEscape(v));
            }
        }
        return out.toByteArray();
    }

    /** Go's {@code url.QueryEscape} of {@code s}'s UTF-8 bytes. */
    static byte[] queryEscape(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 8);
        for (byte b : utf8) {
            int c = b & 0xff;
            if (c == ' ') {
                out.write('+');
            } else if (isUnreserved(c)) {
                out.write(c);
            } else {
                out.write('%');
                out.write(HEX[c >> 4]);
                out.write(HEX[c & 0xf]);
            }
        }
        return out.toByteArray();
    }

    /** RFC 3986 section 2.3's unreserved characters: the only ones Go's QueryEscape leaves as they are. */
    private static boolean isUnreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '_' || c == '.' || c == '~';
    }

    /**
     * Orders strings by code point, which is the byte order of their UTF-8 (Go's {@code sort.Strings}).
     * {@link String#compareTo} orders UTF-16 units instead, which puts U+10000 and above before U+E000-U+FFFF.
     */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
