package dev.courier.http;

import java.net.SocketAddress;

/**
 * Listener for the connections of a {@link Transport}: each one opened (ready for requests: connected,
 * through its proxy, TLS and protocol negotiated) and each one closed, with the reason. Unlike
 * {@link ClientTrace}, which follows one request, it sees connections, including closes no request is
 * part of (an idle timeout, a server closing an idle connection); every connection opened is closed
 * exactly once, so "opened minus closed" is the number open. Add one with
 * {@link Transport.Builder#connectionListener} or {@link Transport#addConnectionListener}.
 *
 * <p>Methods are called on the connection's event loop: keep them short and never block in them. A
 * listener that throws does not affect the connection; the first exception of each listener is logged
 * at WARN, later ones at DEBUG.
 */
public interface ConnectionListener {

    /**
     * {@code connection} is ready for its first request.
     *
     * @param connection the connection opened
     */
    default void connectionOpened(Connection connection) {
    }

    /**
     * {@code connection} closed for {@code reason}; {@code cause} is the error when there was one (always
     * for {@link CloseReason#ERROR}), else null.
     *
     * @param connection the connection closed
     * @param reason     why it closed
     * @param cause      the error, or null
     */
    default void connectionClosed(Connection connection, CloseReason reason, Throwable cause) {
    }

    /**
     * A connection as listeners see it.
     *
     * @param id            short, unique within the JVM, the same as in log lines, {@link Response#connectionId()}
     *                      and {@link RequestException#connectionId()}, e.g. {@code "c12"}
     * @param route         the pool key it belongs to
     * @param protocol      {@link Protocol#HTTP_1_1} or {@link Protocol#HTTP_2}
     * @param remoteAddress the address connected to (the proxy's on a proxied route)
     */
    record Connection(String id, RouteKey route, Protocol protocol, SocketAddress remoteAddress) {
    }

    /** Why a connection closed; also what Courier's DEBUG log line for the close says. */
    enum CloseReason {
        /** It sat idle in the pool longer than {@code idleConnTimeout}. */
        IDLE_TIMEOUT,
        /** It reached {@code maxConnectionLifetime}, or the server's {@code Keep-Alive: timeout}. */
        EXPIRED,
        /** Not kept: the pool held {@code maxIdleConns} or {@code maxIdleConnsPerHost} already, or an extra HTTP/2 connection was not needed. */
        POOL_FULL,
        /** The server closed it (end of stream), idle or in use, without saying so first. */
        SERVER_CLOSED,
        /** HTTP/1.1 {@code Connection: close} from either side, an HTTP/1.0 response, or keep-alives disabled. */
        CONNECTION_CLOSE,
        /** The server sent HTTP/2 GOAWAY: no new streams; closed once its last stream ended. */
        GOAWAY,
        /** The caller cancelled the request or closed the body before its end (and it was too long to drain). */
        CANCELLED,
        /** A timeout ended its exchange: the request timeout, {@code responseHeaderTimeout}, or an HTTP/2 PING unanswered. */
        TIMEOUT,
        /** An I/O or TLS error on the connection; the cause says which. */
        ERROR,
        /** The server broke the protocol: unsolicited bytes, malformed framing, an HTTP/2 connection error. */
        PROTOCOL_ERROR,
        /** Its exchange ended in a way that leaves it unusable (a response before the whole request, a proxy's 407). */
        NOT_REUSABLE,
        /** Handed to the caller by a 101 Switching Protocols response, and closed later by them or the peer. */
        UPGRADED,
        /** {@link Transport#close()} or {@link Transport#closeIdleConnections()}. */
        CLIENT_CLOSED
    }
}
