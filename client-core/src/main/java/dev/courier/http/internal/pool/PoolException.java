package dev.courier.http.internal.pool;

import java.io.IOException;

/** Why the pool could not provide a connection: queue full, wait timed out, or pool closed. */
public final class PoolException extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean timeout;
    private final boolean closed;

    PoolException(String message, boolean timeout, boolean closed) {
        super(message);
        this.timeout = timeout;
        this.closed = closed;
    }

    public boolean isTimeout() {
        return timeout;
    }

    public boolean isClosed() {
        return closed;
    }
}
