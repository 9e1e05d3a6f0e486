package dev.courier.http;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The connection of a "101 Switching Protocols" response, handed to the caller and out of the pool
 * (Go returns such a response's body as a read-write closer). Read what the server sends through the
 * response's {@link Response#body() body}; write with {@link #write}; {@link #close()} closes it.
 */
public interface UpgradedConnection extends AutoCloseable {

    /**
     * Writes {@code data} (copied before the call returns).
     *
     * @param data the bytes from its position to its limit; the buffer is the caller's again on return
     * @return a future completed once the bytes were flushed to the socket, or failed with the write's error
     */
    CompletableFuture<Void> write(ByteBuffer data);

    /** Closes the connection; the body publisher then completes. */
    @Override
    void close();
}
