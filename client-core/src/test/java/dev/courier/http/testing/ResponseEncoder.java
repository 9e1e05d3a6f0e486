package dev.courier.http.testing;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes the pieces of a scripted response (status line, header block, chunk framing, compressed body) as bytes.
 */
final class ResponseEncoder {

    static final byte[] CRLF = {'\r', '\n'};
    static final byte[] CONTINUE_100 = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    static final byte[] BAD_REQUEST = ascii(
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    private static final int FILLER_LINE_BYTES = 4096;

    private ResponseEncoder() {
    }

    /** An interim 1xx response; 103 Early Hints carries a {@code Link} header. */
    static byte[] interim(int code) {
        StringBuilder sb = new StringBuilder(64);
        sb.append("HTTP/1.1 ").append(code).append(' ').append(reasonPhrase(code, null)).append("\r\n");
        if (code == 103) {
            sb.append("Link: </style.css>; rel=preload; as=style\r\n");
        }
        return ascii(sb.append("\r\n").toString());
    }

    /** The body as it goes on the wire before any chunk framing: echoed or scripted, compressed if asked. */
    static byte[] encodedBody(ServerResponse script, RecordedRequest request) {
        byte[] body = script.echoBodySet() && request != null ? request.body() : script.body();
        if (script.compression() == null || script.bodyPreEncoded()) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 64);
        try (OutputStream z = "gzip".equals(script.compression())
                ? new GZIPOutputStream(out) : new DeflaterOutputStream(out)) {
            z.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The status line and header block, ending with the empty line.
     *
     * @param bodyLength   the true length of the encoded body (used for the generated Content-Length)
     * @param chunked      whether the body is sent with chunked framing
     * @param forceClose   whether the server will close after this response even if the script does not say so
     */
    static byte[] head(ServerResponse s, long bodyLength, boolean chunked, boolean forceClose) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(s.code()).append(' ').append(reasonPhrase(s.code(), s.reasonPhrase()))
                .append("\r\n");
        for (Map.Entry<String, String> h : s.headers()) {
            headerLine(sb, h.getKey(), h.getValue());
        }
        if (s.upgradeSet()) {
            headerLine(sb, "Connection", "Upgrade");
            headerLine(sb, "Upgrade", "echo");
        } else {
            boolean userFraming = has(s.headers(), "Content-Length") || has(s.headers(), "Transfer-Encoding");
            if (s.contentLengthOverride() != null) {
                headerLine(sb, "Content-Length", Long.toString(s.contentLengthOverride()));
            }
            if (chunked && !userFraming) {
                headerLine(sb, "Transfer-Encoding", "chunked");
            } else if (!chunked && !userFraming && s.contentLengthOverride() == null && !s.noContentLengthSet()
                    && !(bodyLength == 0 && bodilessStatus(s.code()))) {
                headerLine(sb, "Content-Length", Long.toString(bodyLength));
            }
            if (s.compression() != null && !has(s.headers(), "Content-Encoding")) {
                headerLine(sb, "Content-Encoding", s.compression());
            }
            if ((s.closesConnection() || forceClose) && !has(s.headers(), "Connection")) {
                headerLine(sb, "Connection", "close");
            }
        }
        if (s.keepAliveTimeoutSeconds() >= 0) {
            headerLine(sb, "Keep-Alive", "timeout=" + s.keepAliveTimeoutSeconds());
        }
        appendFiller(sb, s.hugeHeadersBytes());
        return ascii(sb.append("\r\n").toString());
    }

    /** A chunk-size line: the length in hex followed by CRLF. */
    static byte[] chunkHeader(int length) {
        return ascii(Integer.toHexString(length) + "\r\n");
    }

    /** The last chunk ({@code 0}), the trailer fields and the final empty line. */
    static byte[] lastChunk(List<Map.Entry<String, String>> trailers) {
        StringBuilder sb = new StringBuilder("0\r\n");
        for (Map.Entry<String, String> t : trailers) {
            headerLine(sb, t.getKey(), t.getValue());
        }
        return ascii(sb.append("\r\n").toString());
    }

    static String reasonPhrase(int code, String override) {
        return override != null ? override : HttpResponseStatus.valueOf(code).reasonPhrase();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean bodilessStatus(int code) {
        return code < 200 || code == 204 || code == 304;
    }

    private static boolean has(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static void headerLine(StringBuilder sb, String name, String value) {
        sb.append(name).append(": ").append(value).append("\r\n");
    }

    private static void appendFiller(StringBuilder sb, int totalBytes) {
        int remaining = totalBytes;
        for (int i = 0; remaining > 0; i++) {
            String prefix = "X-Filler-" + i + ": ";
            int valueLength = Math.max(1, Math.min(FILLER_LINE_BYTES, remaining) - prefix.length() - 2);
            sb.append(prefix).append("a".repeat(valueLength)).append("\r\n");
            remaining -= prefix.length() + valueLength + 2;
        }
    }
}
