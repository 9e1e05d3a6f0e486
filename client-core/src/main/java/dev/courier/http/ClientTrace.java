package dev.courier.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * Listener for the events of one request's life (Go's {@code httptrace.ClientTrace}). Every method is a
 * no-op by default; implement the ones you need. Set one per request ({@link Request.Builder#trace}) or
 * per client; both are called when both are set.
 *
 * <p>Methods are called on the connection's event loop: keep them short and never block in them.
 */
public interface ClientTrace {

    /**
     * A connection for {@code hostPort} is about to be acquired (from the pool or by dialing).
     *
     * @param hostPort the route's target as host:port (the server's, also when a proxy is used)
     */
    default void getConn(String hostPort) {
    }

    /**
     * A connection was obtained; {@code info} says whether it was reused and how long it had been idle.
     *
     * @param info the connection's id, reuse, idle time and addresses
     */
    default void gotConn(ConnInfo info) {
    }

    /**
     * A connection was returned to the pool ({@code error} null) or refused by it (not reusable, pool full...).
     *
     * @param error null when the connection went back to the pool, else why it did not
     */
    default void putIdleConn(Throwable error) {
    }

    /**
     * Name resolution of {@code host} starts (not called for an IP literal).
     *
     * @param host the name being resolved
     */
    default void dnsStart(String host) {
    }

    /**
     * Name resolution ended with {@code addresses}, or failed with {@code error}.
     *
     * @param addresses the addresses found, in the order they will be tried; empty on failure
     * @param error null on success, else the resolution's failure
     */
    default void dnsDone(List<InetAddress> addresses, Throwable error) {
    }

    /**
     * A TCP connect to {@code address} starts. With Happy Eyeballs (RFC 8305) several may run at once.
     *
     * @param address the address being connected to (the proxy's when a proxy is used)
     */
    default void connectStart(InetSocketAddress address) {
    }

    /**
     * A TCP connect to {@code address} finished; {@code error} null on success. With Happy Eyeballs several may run.
     *
     * @param address the address of the matching {@link #connectStart}
     * @param error null when the connection was established, else why not
     */
    default void connectDone(InetSocketAddress address, Throwable error) {
    }

    /** The TLS handshake with the server starts (after the proxy step, if any). */
    default void tlsHandshakeStart() {
    }

    /**
     * The TLS handshake ended.
     *
     * @param session the negotiated session on success, else null
     * @param error null on success, else the handshake's failure
     */
    default void tlsHandshakeDone(SSLSession session, Throwable error) {
    }

    /** The request line and header fields were written (flushed to the socket). */
    default void wroteHeaders() {
    }

    /**
     * The whole request, body included, was written, or writing failed with {@code error}.
     *
     * @param error null when the request was written, else the write's failure
     */
    default void wroteRequest(Throwable error) {
    }

    /** The server answered "100 Continue": the body follows. */
    default void got100Continue() {
    }

    /**
     * An interim 1xx response other than 100 (e.g. 103 Early Hints) arrived and was skipped.
     *
     * @param status the interim status code
     * @param headers its header fields
     */
    default void got1xxResponse(int status, Headers headers) {
    }

    /** The first byte of the response arrived. */
    default void gotFirstResponseByte() {
    }

    /**
     * The request failed on a reused connection before any response byte (or an HTTP/2 server refused the
     * stream) and is being sent again.
     *
     * @param attempt the number of this retry: 1 for the first
     * @param cause the failure of the previous attempt
     * @param reason why sending again is safe, e.g. "nothing was written to a reused connection the server had
     *     closed"
     */
    default void retrying(int attempt, RequestException cause, String reason) {
    }

    /** Details of the connection a request got. */
    record ConnInfo(String connectionId, boolean reused, boolean wasIdle, Duration idleTime,
                    SocketAddress localAddress, SocketAddress remoteAddress) {
    }

    /**
     * {@return a trace that calls {@code first} and then {@code second}; either may be null}
     *
     * @param first the trace called first, or null
     * @param second the trace called second, or null
     */
    static ClientTrace compose(ClientTrace first, ClientTrace second) {
        if (first == null) {
            return second;
        }
        if (second == null || second == first) {
            return first;
        }
        return new ComposedTrace(first, second);
    }
}
