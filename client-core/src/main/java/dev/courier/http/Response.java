package dev.courier.http;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * An HTTP response: status, headers and a streamed body. The response is a lease on its connection:
 * reading the body to the end returns the connection to the pool; {@link #close()} before that
 * cancels the body and closes (or, for a small remainder, drains) the connection. A response dropped
 * without either is detected when it is garbage collected, its connection reclaimed and a warning
 * naming the request logged.
 */
public interface Response extends AutoCloseable {

    /** {@return the status code, e.g. 200} */
    int status();

    /** {@return the reason phrase as the server sent it (may be empty)} */
    String reason();

    /** {@return the protocol the response came over} */
    Protocol protocol();

    /**
     * {@return the response header fields} With {@link #uncompressed()}, Content-Encoding and Content-Length
     * are removed.
     */
    Headers headers();

    /** {@return the request that produced this response (for a Client following redirects, the last hop's)} */
    Request request();

    /**
     * {@return whether Courier transparently decompressed the body (it asked for gzip/deflate and the server
     * used it)}
     */
    boolean uncompressed();

    /** {@return the body; a publisher that can be subscribed once} */
    ResponseBody body();

    /**
     * {@return the trailer fields, available once the body has been read to the end (empty when the server
     * sent none)} The stage fails when the body fails.
     */
    CompletionStage<Headers> trailers();

    /** {@return the response whose redirect led to this one, when a Client followed a redirect} */
    default Optional<Response> previous() {
        return Optional.empty();
    }

    /** {@return for a 101 Switching Protocols response, the connection now owned by the caller; else empty} */
    default Optional<UpgradedConnection> upgradedConnection() {
        return Optional.empty();
    }

    /**
     * {@return for a response that came over TLS (https), the TLS session of its connection: protocol
     * version, cipher suite, peer certificates; else empty}
     */
    default Optional<javax.net.ssl.SSLSession> tlsSession() {
        return Optional.empty();
    }

    /** {@return the id of the connection (e.g. "c7") the response came over, for logs and debugging} */
    String connectionId();

    /** Cancels the body if it has not been read to the end; idempotent. */
    @Override
    void close();
}
