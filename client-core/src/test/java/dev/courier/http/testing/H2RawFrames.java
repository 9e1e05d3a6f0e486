package dev.courier.http.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames as raw bytes (RFC 9113 section 4.1) for the faults Netty's encoder refuses to write: a header block
 * that never ends (HEADERS without END_HEADERS, then CONTINUATION frames). Header fields are HPACK literals without
 * indexing and without Huffman coding (RFC 7541 section 6.2.2), so no decoder state is involved.
 */
final class H2RawFrames {
    static final int TYPE_HEADERS = 0x1;
    static final int TYPE_CONTINUATION = 0x9;
    static final int FLAG_END_HEADERS = 0x4;
    /** HPACK static table entry 8, {@code :status: 200} (RFC 7541 appendix A). */
    static final byte[] STATUS_200 = {(byte) 0x88};

    private H2RawFrames() {
    }

    /** A frame: 24-bit length, type, flags, 31-bit stream id, payload. */
    static ByteBuf frame(ByteBufAllocator alloc, int type, int flags, int streamId, byte[] payload) {
        ByteBuf buf = alloc.buffer(9 + payload.length);
        buf.writeMedium(payload.length);
        buf.writeByte(type);
        buf.writeByte(flags);
        buf.writeInt(streamId & 0x7FFFFFFF);
        buf.writeBytes(payload);
        return buf;
    }

    /** A header block fragment of about {@code bytes} bytes: literal fields {@code x-flood-N: aaa...}. */
    static byte[] literalFields(int firstIndex, int bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 64);
        for (int i = firstIndex; out.size() < bytes; i++) {
            byte[] name = ("x-flood-" + i).getBytes(StandardCharsets.US_ASCII);
            byte[] value = "a".repeat(100).getBytes(StandardCharsets.US_ASCII);
            out.write(0x00); // literal header field without indexing, new name
            writeLength(out, name.length);
            out.write(name, 0, name.length);
            writeLength(out, value.length);
            out.write(value, 0, value.length);
        }
        return out.toByteArray();
    }

    /** A string length with a 7-bit prefix and the Huffman bit clear (RFC 7541 section 5.1). */
    private static void writeLength(ByteArrayOutputStream out, int n) {
        if (n < 127) {
            out.write(n);
            return;
        }
        out.write(127);
        int rest = n - 127;
        while (rest >= 128) {
            out.write((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }
}
