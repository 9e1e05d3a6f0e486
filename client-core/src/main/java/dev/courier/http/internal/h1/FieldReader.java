package dev.courier.http.internal.h1;

/**
 * Walks the field lines of a response head or trailer block held in a byte array (RFC 9112 section 5),
 * one field at a time, without allocating: a field's name and value are byte ranges of the array. A
 * value continued on following lines (obs-fold) is joined with single spaces into a new array, as RFC
 * 9112 section 5.2 tells a recipient to do before interpreting it; only that rare case allocates.
 *
 * <p>Lines end in LF with an optional CR before it. The block holds only field lines (no status line,
 * no blank line). Not thread-safe; the decoder keeps one per connection and reuses it.
 *
 * <p>A line with a control character other than HTAB (NUL, a CR not followed by LF, DEL...) is
 * malformed: RFC 9110 section 5.5 lets a recipient of CR, LF or NUL in a field value either reject the
 * message or replace each with SP. Courier rejects, as Go does (its HTTP/2 framer through
 * {@code httpguts.ValidHeaderFieldValue}, and current {@code net/textproto} through
 * {@code validHeaderValueByte}): replacing would hand the caller bytes the server did not send, and a
 * bare CR that some other parser takes for a line end is how one response is made to read as two. The
 * check rides on the search for the line's end: one comparison per byte, as before.
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
     * @throws IllegalArgumentException for a line that is not a field: no colon, an empty name, whitespace
     *     where a name should start (a continuation line with no field before it, which Go rejects too) or
     *     before the colon, or a control character other than HTAB
     */
    boolean next() {
        if (pos >= end) {
            value = null;
            return false;
        }
        int lineStart = pos;
        int lf = lineEnd(lineStart, false);
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
        if (colon == lineStart) {
            throw new IllegalArgumentException("a header line has an empty field name");
        }
        if (isOws(buf[colon - 1])) {
            // RFC 9112 section 5.1: no whitespace between the field name and the colon; a server must reject
            // such a request and a proxy must strip it. Parsers that disagree about "Content-Length : 5" (one
            // honours it, the next ignores it or trims it) disagree about where the body ends, and the bytes
            // in between become the next response for one of them (response splitting, cache poisoning).
            throw new IllegalArgumentException("whitespace between the field name and the colon in the field "
                    + Ascii.quote(buf, lineStart, colon));
        }
        nameStart = lineStart;
        nameEnd = colon;
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
            int lf = lineEnd(lineStart, true);
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

    /**
     * The index of the LF ending the line that starts at {@code from} (or the block's end: the last line of a
     * block may come without its LF), refusing the control characters a field line may not hold.
     *
     * @param continuation the line continues the current field's value (obs-fold), for the message
     */
    private int lineEnd(int from, boolean continuation) {
        byte[] b = buf;
        int e = end;
        for (int i = from; i < e; i++) {
            byte c = b[i];
            // One comparison for the common byte: adding 1 takes 0x00-0x1F to 1..0x20 and DEL (0x7F) round to
            // -128, while obs-text (0x80-0xFF) is negative anyway; visible ASCII and SP stay above ' '.
            if ((byte) (c + 1) <= ' ') {
                if (c == '\n') {
                    return i;
                }
                if (c != '\t' && c >= 0 && (c != '\r' || i + 1 == e || b[i + 1] != '\n')) {
                    throw invalidControl(from, i, continuation);
                }
            }
        }
        return e;
    }

    /** Names the field and where the control character is in its line, but not the value (it may be a credential). */
    private IllegalArgumentException invalidControl(int lineStart, int at, boolean continuation) {
        int c = buf[at] & 0xff;
        String what = c == '\r' ? "a CR not followed by LF" : String.format("a control character 0x%02x", c);
        if (continuation) {
            return new IllegalArgumentException("a continuation line of the field " + Ascii.quote(buf, nameStart, nameEnd)
                    + " has " + what + " at index " + (at - lineStart));
        }
        for (int i = lineStart; i < at; i++) {
            if (buf[i] == ':') {
                return new IllegalArgumentException("the value of the field " + Ascii.quote(buf, lineStart, i) + " has "
                        + what + " at index " + (at - i - 1) + " after the colon");
            }
        }
        return new IllegalArgumentException("a header line has " + what + " in its name: "
                + Ascii.quote(buf, lineStart, at + 1));
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
