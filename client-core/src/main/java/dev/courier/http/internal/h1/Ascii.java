package dev.courier.http.internal.h1;

import java.nio.charset.StandardCharsets;

/** Byte-level helpers for reading a response head without turning it into Strings first. */
final class Ascii {
    private static final int QUOTE_LIMIT = 100;

    private Ascii() {
    }

    /** {@code b[start, end)} as a String, one char per byte (ISO-8859-1, as HTTP field values are read). */
    static String string(byte[] b, int start, int end) {
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** Bytes as ASCII for the bytes of the lower-case ASCII string {@code lower}. */
    static byte[] bytes(String lower) {
        return lower.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether {@code b[start, end)} equals {@code lower} (lower-case letters and other ASCII) ignoring the
     * case of letters only: a byte matches an upper-case letter only where {@code lower} has that letter.
     */
    static boolean equalsIgnoreCase(byte[] b, int start, int end, byte[] lower) {
        if (end - start != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            byte c = b[start + i];
            byte l = lower[i];
            if (c != l && (l < 'a' || l > 'z' || (c | 0x20) != l)) {
                return false;
            }
        }
        return true;
    }

    /** Index of the first {@code lower} in {@code b[start, end)} ignoring case as above, or -1. */
    static int indexOfIgnoreCase(byte[] b, int start, int end, byte[] lower) {
        for (int i = start; i + lower.length <= end; i++) {
            if (equalsIgnoreCase(b, i, i + lower.length, lower)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the comma-separated list in {@code b[start, end)} has an element equal to {@code lowerToken}
     * ignoring case (Connection: close, keep-alive).
     */
    static boolean containsToken(byte[] b, int start, int end, byte[] lowerToken) {
        int s = start;
        while (s < end) {
            int comma = s;
            while (comma < end && b[comma] != ',') {
                comma++;
            }
            int ts = s;
            int te = comma;
            while (ts < te && FieldReader.isOws(b[ts])) {
                ts++;
            }
            while (te > ts && FieldReader.isOws(b[te - 1])) {
                te--;
            }
            if (equalsIgnoreCase(b, ts, te, lowerToken)) {
                return true;
            }
            s = comma + 1;
        }
        return false;
    }

    /** The decimal number in {@code b[start, end)}, or -1 when it is empty, has a non-digit, or overflows. */
    static long parseDecimal(byte[] b, int start, int end) {
        if (start >= end || end - start > 18) {
            return -1; // 18 digits cannot overflow a long; nobody sends an exabyte
        }
        long n = 0;
        for (int i = start; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            n = n * 10 + d;
        }
        return n;
    }

    /** {@code b[start, end)} in double quotes for an error message, control bytes escaped, long ones cut. */
    static String quote(byte[] b, int start, int end) {
        StringBuilder sb = new StringBuilder("\"");
        int stop = Math.min(end, start + QUOTE_LIMIT);
        for (int i = start; i < stop; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else {
                sb.append((char) c);
            }
        }
        sb.append('"');
        if (stop < end) {
            sb.append("...");
        }
        return sb.toString();
    }
}
