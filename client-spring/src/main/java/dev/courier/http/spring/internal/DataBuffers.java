package dev.courier.http.spring.internal;

import java.nio.ByteBuffer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBuffer;

/** Turns WebClient's request body buffers into the {@link ByteBuffer}s Courier sends. */
final class DataBuffers {
    private DataBuffers() {
    }

    /**
     * A buffer holding {@code buffer}'s readable bytes. A {@link DefaultDataBuffer} (what WebClient's encoders
     * produce with the connector's factory) is plain garbage-collected memory that nothing reuses, so Courier
     * gets a read-only view of it; any other kind may be pooled (Netty's), so its bytes are copied and it is
     * released at once, before Courier has even written them.
     */
    static ByteBuffer toByteBuffer(DataBuffer buffer) {
        if (buffer instanceof DefaultDataBuffer d) {
            ByteBuffer whole = d.getNativeBuffer();
            return whole.asReadOnlyBuffer().position(d.readPosition()).limit(d.writePosition()).slice();
        }
        try {
            ByteBuffer copy = ByteBuffer.allocate(buffer.readableByteCount());
            buffer.toByteBuffer(copy);
            return copy;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
