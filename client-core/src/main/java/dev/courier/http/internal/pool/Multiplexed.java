package dev.courier.http.internal.pool;

/**
 * A protocol handler that carries several requests at once on one connection (HTTP/2). The pool asks it
 * for the streams it may open before the peer says (its first SETTINGS), and tells it once the pool owns
 * the connection, so that it can report the peer's real limit ({@link ConnectionPool#setCapacity}) and a
 * GOAWAY ({@link ConnectionPool#retire}) later.
 */
public interface Multiplexed {
    /** Concurrent requests allowed until the peer's SETTINGS_MAX_CONCURRENT_STREAMS arrives. */
    int initialCapacity();

    /**
     * Whether the peer's first SETTINGS arrived (any thread). Until then the pool does not dial another
     * connection for the route: the SETTINGS may allow more streams than assumed, and then this connection
     * carries the requests that would have dialed.
     */
    boolean capacityKnown();

    /** The pool owns {@code connection} now; called once, from any thread. */
    void attach(ConnectionPool pool, PooledConnection connection);
}
