package dev.courier.http.internal.h1;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How {@link Http1ResponseDecoderFuzzTest} reads a fuzzer's input: a flags byte, a count of cuts, that many
 * piece lengths, then the bytes a server sends. The fuzzer thus chooses where the reads split the response
 * as well as its bytes; a seed file is a response with two bytes before it ({@code 00 00}: a GET, one read).
 *
 * <pre>
 * byte 0   flags: bit 0 the request was a HEAD; bit 1 every byte is a read of its own;
 *          bit 2 a small response head limit (64 + byte 0 bytes) rather than 64 KiB
 * byte 1   k = (byte 1 &amp; 15) cuts
 * k bytes  the lengths (each 1 to 256) of the first k reads; the rest of the response is the last read
 * rest     the response bytes
 * </pre>
 */
final class FuzzedResponse {
    final boolean head;
    final int maxHeadBytes;
    final byte[] bytes;
    /** The reads, in order; together they are {@link #bytes}. */
    final List<byte[]> pieces;

    private FuzzedResponse(boolean head, int maxHeadBytes, byte[] bytes, List<byte[]> pieces) {
        this.head = head;
        this.maxHeadBytes = maxHeadBytes;
        this.bytes = bytes;
        this.pieces = pieces;
    }

    static FuzzedResponse parse(byte[] input) {
        int flags = input.length > 0 ? input[0] & 0xff : 0;
        int cuts = input.length > 1 ? input[1] & 0x0f : 0;
        int start = Math.min(input.length, 2 + cuts);
        byte[] bytes = Arrays.copyOfRange(input, start, input.length);
        List<byte[]> pieces = new ArrayList<>();
        int off = 0;
        if ((flags & 2) != 0) {
            for (; off < bytes.length; off++) {
                pieces.add(new byte[] {bytes[off]});
            }
        } else {
            for (int i = 0; i < cuts && 2 + i < start && off < bytes.length; i++) {
                int n = Math.min(bytes.length - off, (input[2 + i] & 0xff) + 1);
                pieces.add(Arrays.copyOfRange(bytes, off, off + n));
                off += n;
            }
        }
        if (off < bytes.length || pieces.isEmpty()) {
            pieces.add(Arrays.copyOfRange(bytes, off, bytes.length));
        }
        int maxHeadBytes = (flags & 4) != 0 ? 64 + flags : 64 * 1024;
        return new FuzzedResponse((flags & 1) != 0, maxHeadBytes, bytes, List.copyOf(pieces));
    }

    /** The same response in one read. */
    List<byte[]> whole() {
        return List.of(bytes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(head ? "HEAD" : "GET").append(", head limit ").append(maxHeadBytes)
                .append(", reads of");
        for (byte[] p : pieces) {
            sb.append(' ').append(p.length);
        }
        return sb.append(": ").append(Framing.escape(bytes)).toString();
    }
}
