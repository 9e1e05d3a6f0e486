package dev.courier.http.internal.h1;

import dev.courier.http.Headers;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Parses a response head's bytes into a {@link ResponseHead}: the status line, then one pass over the
 * fields that reads those that frame the body or decide the connection's fate by byte comparison,
 * turning none of them into Strings.
 *
 * <p>Framing follows RFC 9112 section 6.3 and Go's {@code net/http}: the only Transfer-Encoding accepted
 * is one field saying {@code chunked}, which wins over Content-Length (and the connection is then not
 * reused); any other (gzip, chunked twice, an unknown coding, chunked not last, several fields) fails
 * the head, as Go's {@code parseTransferEncoding} does, rather than hand over bytes still in a coding
 * nobody decoded. Transfer-Encoding on an HTTP/1.0 response is ignored, as Go does (its issue 12785),
 * and the connection not reused; several Content-Length values must all be the same (Go's issue 16490)
 * and count once. Every field line was checked by {@link FieldReader}. The catalogue of what is
 * accepted and what fails is docs/MALFORMED-RESPONSES.md.
 *
 * <p>One per connection, reused for every head; confined to the connection's event loop.
 */
final class HeadParser {
    static final byte[] CONTENT_LENGTH = Ascii.bytes("content-length");
    static final byte[] CONTENT_ENCODING = Ascii.bytes("content-encoding");
    private static final byte[] TRANSFER_ENCODING = Ascii.bytes("transfer-encoding");
    private static final byte[] CONNECTION = Ascii.bytes("connection");
    private static final byte[] KEEP_ALIVE = Ascii.bytes("keep-alive");
    private static final byte[] CONTENT_TYPE = Ascii.bytes("content-type");
    private static final byte[] TRAILER = Ascii.bytes("trailer");
    private static final byte[] CLOSE = Ascii.bytes("close");
    private static final byte[] CHUNKED = Ascii.bytes("chunked");
    private static final byte[] GZIP = Ascii.bytes("gzip");
    private static final byte[] X_GZIP = Ascii.bytes("x-gzip");
    private static final byte[] DEFLATE = Ascii.bytes("deflate");
    private static final byte[] X_DEFLATE = Ascii.bytes("x-deflate");
    private static final byte[] BR = Ascii.bytes("br");
    private static final byte[] ZSTD = Ascii.bytes("zstd");
    private static final byte[] TIMEOUT_EQ = Ascii.bytes("timeout=");

    /** Standard reason phrases by status code, so that a standard one costs no String. */
    private static final String[] REASONS = new String[600];

    static {
        for (int code = 100; code < REASONS.length; code++) {
            String phrase = HttpResponseStatus.valueOf(code).reasonPhrase().toString();
            if (!phrase.startsWith("Unknown Status")) {
                REASONS[code] = phrase;
            }
        }
    }

    private final FieldReader fields = new FieldReader();

    // the head being parsed
    private ResponseHead head;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean contentTypeSeen;
    private boolean contentEncodingSeen;
    /** The value of the (first) Transfer-Encoding field: {@code teBytes[teStart, teEnd)}, or null. */
    private byte[] teBytes;
    private int teStart;
    private int teEnd;
    private byte[] lengthBytes;
    private int lengthStart;
    private int lengthEnd;

    /**
     * Parses a head: the status line ({@code statusLength} bytes of {@code statusLine}, its LF and CR
     * optional) and the field lines, each ending in LF (CR optional), without the blank line that ended
     * them. The head keeps {@code fieldBytes}; {@code statusLine} is the caller's scratch space.
     *
     * @throws IllegalArgumentException naming what is malformed
     */
    ResponseHead parse(byte[] statusLine, int statusLength, byte[] fieldBytes) {
        int end = statusLength;
        if (end > 0 && statusLine[end - 1] == '\n') {
            end--;
        }
        if (end > 0 && statusLine[end - 1] == '\r') {
            end--;
        }
        ResponseHead h = new ResponseHead(fieldBytes);
        head = h;
        connectionClose = false;
        connectionKeepAlive = false;
        contentTypeSeen = false;
        contentEncodingSeen = false;
        teBytes = null;
        lengthBytes = null;
        try {
            parseStatusLine(statusLine, end);
            FieldReader f = fields.reset(fieldBytes, 0, fieldBytes.length);
            while (f.next()) {
                onField(f);
            }
            settleFraming();
            h.persistent = !connectionClose && (!h.http10 || connectionKeepAlive) && h.persistent;
            if (h.charset == null) {
                h.charset = java.nio.charset.StandardCharsets.UTF_8;
            }
            return h;
        } finally {
            head = null;
            lengthBytes = null;
            teBytes = null;
            fields.reset(null, 0, 0);
        }
    }

    /**
     * Parses a trailer block (the field lines after the last chunk) into Headers, leaving out the fields
     * a trailer may not carry (RFC 9110 section 6.5.1: framing) and any a Headers would refuse.
     */
    Headers parseTrailers(byte[] bytes) {
        FieldReader f = new FieldReader().reset(bytes, 0, bytes.length);
        Headers.Builder b = Headers.newBuilder();
        while (f.next()) {
            if (f.nameIs(CONTENT_LENGTH) || f.nameIs(TRANSFER_ENCODING) || f.nameIs(TRAILER)) {
                continue;
            }
            try {
                b.add(f.name(), f.valueString());
            } catch (IllegalArgumentException invalid) {
                // as for the head's fields: dropped, not fatal
            }
        }
        return b.build();
    }

    // ---- the status line: HTTP-version SP status-code SP [reason-phrase] (RFC 9112 section 4) ----

    private void parseStatusLine(byte[] b, int end) {
        if (end < 12 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/'
                || !isDigit(b[5]) || b[6] != '.' || !isDigit(b[7]) || !FieldReader.isOws(b[8])) {
            throw new IllegalArgumentException("malformed status line " + Ascii.quote(b, 0, end));
        }
        if (b[5] != '1') {
            throw new IllegalArgumentException("unsupported HTTP version in the status line " + Ascii.quote(b, 0, end));
        }
        ResponseHead h = head;
        h.http10 = b[7] == '0';
        h.persistent = true;
        int p = 9;
        while (p < end && FieldReader.isOws(b[p])) {
            p++; // runs of spaces tolerated, as Netty's decoder did
        }
        if (p + 3 > end || !isDigit(b[p]) || !isDigit(b[p + 1]) || !isDigit(b[p + 2]) || b[p] == '0'
                || p + 3 < end && !FieldReader.isOws(b[p + 3])) {
            throw new IllegalArgumentException("malformed HTTP status code in the status line " + Ascii.quote(b, 0, end));
        }
        h.status = (b[p] - '0') * 100 + (b[p + 1] - '0') * 10 + (b[p + 2] - '0');
        int rs = p + 3;
        while (rs < end && FieldReader.isOws(b[rs])) {
            rs++;
        }
        int re = end;
        while (re > rs && FieldReader.isOws(b[re - 1])) {
            re--;
        }
        h.reason = reason(h.status, b, rs, re);
    }

    /** reason-phrase = *( HTAB / SP / VCHAR / obs-text ) (RFC 9112 section 4): no other control, no bare CR. */
    private static void checkReason(byte[] b, int start, int end) {
        for (int i = start; i < end; i++) {
            byte c = b[i];
            if (c >= 0 && c < ' ' && c != '\t' || c == 0x7f) {
                throw new IllegalArgumentException("a control character in the reason phrase of the status line "
                        + Ascii.quote(b, 0, end));
            }
        }
    }

    private static String reason(int status, byte[] b, int start, int end) {
        String standard = status < REASONS.length ? REASONS[status] : null;
        if (standard != null && standard.length() == end - start) {
            boolean same = true;
            for (int i = 0; i < standard.length() && same; i++) {
                same = standard.charAt(i) == (b[start + i] & 0xff);
            }
            if (same) {
                return standard;
            }
        }
        checkReason(b, start, end); // only here: a standard phrase has none
        return start == end ? "" : Ascii.string(b, start, end);
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    // ---- the fields ----

    private void onField(FieldReader f) {
        byte[] v = f.value;
        int vs = f.valueStart;
        int ve = f.valueEnd;
        switch (f.nameEnd - f.nameStart) {
            case 10:
                if (f.nameIs(CONNECTION)) {
                    connectionClose |= Ascii.containsToken(v, vs, ve, CLOSE);
                    connectionKeepAlive |= Ascii.containsToken(v, vs, ve, KEEP_ALIVE);
                } else if (f.nameIs(KEEP_ALIVE) && head.keepAliveSeconds < 0) {
                    long seconds = keepAliveTimeout(v, vs, ve);
                    head.keepAliveSeconds = (int) Math.min(seconds, 86_400);
                }
                break;
            case 12:
                if (!contentTypeSeen && f.nameIs(CONTENT_TYPE)) {
                    contentTypeSeen = true;
                    head.charset = ContentDecoding.charset(v, vs, ve);
                }
                break;
            case 14:
                if (f.nameIs(CONTENT_LENGTH)) {
                    onContentLength(v, vs, ve);
                }
                break;
            case 16:
                if (!contentEncodingSeen && f.nameIs(CONTENT_ENCODING)) {
                    contentEncodingSeen = true;
                    head.contentCoding = coding(v, vs, ve);
                }
                break;
            case 17:
                if (f.nameIs(TRANSFER_ENCODING)) {
                    onTransferEncoding(v, vs, ve);
                }
                break;
            default:
                break;
        }
    }

    /** Every element of every Content-Length field must be the same digits (RFC 9110 section 8.6). */
    private void onContentLength(byte[] v, int vs, int ve) {
        int s = vs;
        do {
            int comma = s;
            while (comma < ve && v[comma] != ',') {
                comma++;
            }
            int ts = s;
            int te = comma;
            while (ts < te && FieldReader.isOws(v[ts])) {
                ts++;
            }
            while (te > ts && FieldReader.isOws(v[te - 1])) {
                te--;
            }
            if (lengthBytes == null) {
                if (Ascii.parseDecimal(v, ts, te) < 0) {
                    throw new IllegalArgumentException("invalid Content-Length " + Ascii.quote(v, vs, ve));
                }
                lengthBytes = v;
                lengthStart = ts;
                lengthEnd = te;
            } else if (!java.util.Arrays.equals(lengthBytes, lengthStart, lengthEnd, v, ts, te)) {
                throw new IllegalArgumentException("differing Content-Length values "
                        + Ascii.quote(lengthBytes, lengthStart, lengthEnd) + " and " + Ascii.quote(v, ts, te));
            }
            s = comma + 1;
        } while (s <= ve);
    }

    /**
     * Keeps the Transfer-Encoding value; a second field fails the head (for HTTP/1.1), as in Go: "Like nginx,
     * we only support a single Transfer-Encoding header field, and only if set to chunked".
     */
    private void onTransferEncoding(byte[] v, int vs, int ve) {
        if (teBytes != null && !head.http10) {
            throw new IllegalArgumentException("unsupported Transfer-Encoding: more than one field ("
                    + Ascii.quote(teBytes, teStart, teEnd) + " and " + Ascii.quote(v, vs, ve) + "); only chunked is supported");
        }
        if (teBytes == null) {
            teBytes = v;
            teStart = vs;
            teEnd = ve;
        }
    }

    private void settleFraming() {
        ResponseHead h = head;
        if (lengthBytes != null) {
            h.contentLength = Ascii.parseDecimal(lengthBytes, lengthStart, lengthEnd);
        }
        if (teBytes == null) {
            return;
        }
        // From here on the server's framing is at least unusual: the connection is not trusted with another request.
        h.persistent = false;
        if (h.http10) {
            return; // ignored, as Go does
        }
        // RFC 9112 section 6.1 lets a message stack codings (gzip, chunked); a recipient that does not
        // decode one cannot read the body, and ignoring it would pass the still-encoded bytes off as the
        // content. Go (and nginx) support chunked alone, the framing RFC 9112 requires, and so does Courier.
        if (!Ascii.equalsIgnoreCase(teBytes, teStart, teEnd, CHUNKED)) {
            throw new IllegalArgumentException("unsupported Transfer-Encoding " + Ascii.quote(teBytes, teStart, teEnd)
                    + "; only chunked is supported");
        }
        h.chunked = true;
        h.persistent = lengthBytes == null; // chunked alone is ordinary; with Content-Length, possible smuggling
        // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length.
        h.contentLength = -1;
    }

    private static byte coding(byte[] v, int vs, int ve) {
        if (vs == ve) {
            return ResponseHead.CODING_NONE;
        }
        if (Ascii.equalsIgnoreCase(v, vs, ve, GZIP) || Ascii.equalsIgnoreCase(v, vs, ve, X_GZIP)) {
            return ResponseHead.CODING_GZIP;
        }
        if (Ascii.equalsIgnoreCase(v, vs, ve, DEFLATE) || Ascii.equalsIgnoreCase(v, vs, ve, X_DEFLATE)) {
            return ResponseHead.CODING_DEFLATE;
        }
        if (Ascii.equalsIgnoreCase(v, vs, ve, BR)) {
            return ResponseHead.CODING_BR;
        }
        if (Ascii.equalsIgnoreCase(v, vs, ve, ZSTD)) {
            return ResponseHead.CODING_ZSTD;
        }
        return ResponseHead.CODING_OTHER;
    }

    /** The {@code timeout} parameter of a Keep-Alive field in seconds, or -1. */
    private static long keepAliveTimeout(byte[] v, int vs, int ve) {
        int s = vs;
        while (s < ve) {
            int comma = s;
            while (comma < ve && v[comma] != ',') {
                comma++;
            }
            int ts = s;
            while (ts < comma && FieldReader.isOws(v[ts])) {
                ts++;
            }
            if (comma - ts >= TIMEOUT_EQ.length && Ascii.equalsIgnoreCase(v, ts, ts + TIMEOUT_EQ.length, TIMEOUT_EQ)) {
                int ns = ts + TIMEOUT_EQ.length;
                int ne = comma;
                while (ns < ne && FieldReader.isOws(v[ns])) {
                    ns++;
                }
                while (ne > ns && FieldReader.isOws(v[ne - 1])) {
                    ne--;
                }
                return Ascii.parseDecimal(v, ns, ne);
            }
            s = comma + 1;
        }
        return -1;
    }
}
