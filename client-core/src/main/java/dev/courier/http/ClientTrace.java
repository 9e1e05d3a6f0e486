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

    /** A connection for {@code hostPort} is about to be acquired (from the pool or by dialing). */
    default void getConn(String hostPort) {
    }

    /** A connection was obtained; {@code info} says whether it was reused and how long it had been idle. */
    default void gotConn(ConnInfo info) {
    }

    /** A connection was returned to the pool ({@code error} null) or refused by it (not reusable, pool full...). */
    default void putIdleConn(Throwable error) {
    }

    default void dnsStart(String host) {
    }

    /** Name resolution ended with {@code addresses}, or failed with {@code error}. */
    default void dnsDone(List<InetAddress> addresses, Throwable error) {
    }

    default void connectStart(InetSocketAddress address) {
    }

    /** A TCP connect to {@code address} finished; {@code error} null on success. With Happy Eyeballs several may run. */
    default void connectDone(InetSocketAddress address, Throwable error) {
    }

    default void tlsHandshakeStart() {
    }

    default void tlsHandshakeDone(SSLSession session, Throwable error) {
    }

    /** The request line and header fields were written (flushed to the socket). */
    default void wroteHeaders() {
    }

    /** The whole request, body included, was written, or writing failed with {@code error}. */
    default void wroteRequest(Throwable error) {
    }

    /** The server answered "100 Continue": the body follows. */
    default void got100Continue() {
    }

    /** An interim 1xx response other than 100 (e.g. 103 Early Hints) arrived and was skipped. */
    default void got1xxResponse(int status, Headers headers) {
    }

    /** The first byte of the response arrived. */
    default void gotFirstResponseByte() {
    }

    /** The request failed on a reused connection before any response byte and is being sent again. */
    default void retrying(int attempt, RequestException cause, String reason) {
    }

    /** Details of the connection a request got. */
    record ConnInfo(String connectionId, boolean reused, boolean wasIdle, Duration idleTime,
                    SocketAddress localAddress, SocketAddress remoteAddress) {
    }

    /** {@return a trace that calls {@code first} and then {@code second}; either may be null} */
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
