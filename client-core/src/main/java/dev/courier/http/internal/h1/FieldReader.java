package dev.courier.http.internal.h1;

/**
 * Walks the field lines of a response head or trailer block held in a byte array (RFC 9112 section 5),
 * one field at a time, without allocating: a field's name and value are byte ranges of the array. A
 * value continued on following lines (obs-fold) is joined with single spaces into a new array, as RFC
 * 9112 section 5.2 tells a recipient to do before interpreting it; only that rare case allocates.
 *
 * <p>Lines end in LF with an optional CR before it. The block holds only field lines (no status line,
 * no blank line). Not thread-safe; the decoder keeps one per connection and reuses it.
 */
final class FieldReader {
    private byte[] buf;
    private int pos;
    private int end;

    /** The current field's name: {@code buf[nameStart, nameEnd)} of {@link #array()}. */
    int nameStart;
    int nameEnd;
    /** The current field's value, trimmed: {@code value[valueStart, valueEnd)}. */
    byte[] value;
    int valueStart;
    int valueEnd;

    /** Starts reading the field lines in {@code buf[start, end)}. */
    FieldReader reset(byte[] buf, int start, int end) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.value = null;
        return this;
    }

    /** The array the current name lies in. */
    byte[] array() {
        return buf;
    }

    /**
     * Advances to the next field; false after the last one.
     *
     * @throws IllegalArgumentException for a line that is not a field: no colon, or whitespace where a name
     *     should start (a continuation line with no field before it, which Go rejects too)
     */
    boolean next() {
        if (pos >= end) {
            value = null;
            return false;
        }
        int lineStart = pos;
        int lf = indexOfLf(lineStart);
        int contentEnd = trimCr(lineStart, lf);
        pos = lf + 1;
        byte first = buf[lineStart];
        if (first == ' ' || first == '\t') {
            throw new IllegalArgumentException("a header line starts with whitespace: " + Ascii.quote(buf, lineStart, contentEnd));
        }
        int colon = -1;
        for (int i = lineStart; i < contentEnd; i++) {
            if (buf[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            throw new IllegalArgumentException("a header line has no colon: " + Ascii.quote(buf, lineStart, contentEnd));
        }
        nameStart = lineStart;
        int ne = colon;
        while (ne > lineStart && isOws(buf[ne - 1])) {
            ne--; // whitespace before the colon: RFC 9112 section 5.1 has a client drop it
        }
        nameEnd = ne;
        int vs = colon + 1;
        int ve = contentEnd;
        while (vs < ve && isOws(buf[vs])) {
            vs++;
        }
        while (ve > vs && isOws(buf[ve - 1])) {
            ve--;
        }
        value = buf;
        valueStart = vs;
        valueEnd = ve;
        if (pos < end && isOws(buf[pos])) {
            fold();
        }
        return true;
    }

    /** Joins the continuation lines that follow into the current value. */
    private void fold() {
        StringBuilder sb = new StringBuilder(valueEnd - valueStart + 32);
        appendLatin1(sb, buf, valueStart, valueEnd);
        while (pos < end && isOws(buf[pos])) {
            int lineStart = pos;
            int lf = indexOfLf(lineStart);
            int s = lineStart;
            int e = trimCr(lineStart, lf);
            pos = lf + 1;
            while (s < e && isOws(buf[s])) {
                s++;
            }
            while (e > s && isOws(buf[e - 1])) {
                e--;
            }
            if (s < e) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                appendLatin1(sb, buf, s, e);
            }
        }
        byte[] joined = new byte[sb.length()];
        for (int i = 0; i < joined.length; i++) {
            joined[i] = (byte) sb.charAt(i);
        }
        value = joined;
        valueStart = 0;
        valueEnd = joined.length;
    }

    /** The current name as a String (bytes as ISO-8859-1). */
    String name() {
        return Ascii.string(buf, nameStart, nameEnd);
    }

    /** The current value as a String (bytes as ISO-8859-1). */
    String valueString() {
        return Ascii.string(value, valueStart, valueEnd);
    }

    /** Whether the current name equals {@code lowerName} (lower-case letters, digits, '-') ignoring case. */
    boolean nameIs(byte[] lowerName) {
        return Ascii.equalsIgnoreCase(buf, nameStart, nameEnd, lowerName);
    }

    private int indexOfLf(int from) {
        for (int i = from; i < end; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return end; // the last line of a block may come without its LF
    }

    private int trimCr(int lineStart, int lf) {
        return lf > lineStart && buf[lf - 1] == '\r' ? lf - 1 : lf;
    }

    private static void appendLatin1(StringBuilder sb, byte[] b, int start, int end) {
        for (int i = start; i < end; i++) {
            sb.append((char) (b[i] & 0xff));
        }
    }

    static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }
}
