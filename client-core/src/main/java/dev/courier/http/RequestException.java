package dev.courier.http;

import java.io.IOException;
import java.time.Duration;

/**
 * Why a request did not produce a response (Go's {@code url.Error}): the method, the URL with any
 * password removed, the {@link Phase} the exchange was in, whether it was a timeout, the cause, and,
 * when a connection was involved, which one, whether it was reused and how long it had been idle.
 *
 * <p>The message reads like {@code GET http://example.com/x: awaiting response headers: connection
 * closed by peer [connection c3, reused after 1.2 s idle]}.
 */
public class RequestException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Where in the exchange the failure happened. */
    public enum Phase {
        /** The request was invalid; nothing was sent. */
        VALIDATE("validating request"),
        /** Waiting for a connection from a route at its limit. */
        POOL_WAIT("waiting for a connection"),
        /** Resolving the host name (or the proxy's) to addresses. */
        DNS("resolving host"),
        /** Opening the TCP connection, to the server or to the proxy. */
        CONNECT("connecting"),
        /** The proxy step: the proxy selector, a CONNECT to an HTTP(S) proxy, or a SOCKS handshake. */
        PROXY("talking to proxy"),
        /** The TLS handshake with the server, including certificate and host name verification. */
        TLS("TLS handshake"),
        /** Writing the request head or body. */
        WRITE_REQUEST("writing request"),
        /** The request was sent (or being sent) and the response head has not arrived yet. */
        AWAIT_HEADERS("awaiting response headers"),
        /** The response head arrived; reading its body failed or was cut short. */
        READ_BODY("reading response body"),
        /** Following redirects and other Client policy. */
        CLIENT("client policy"),
        /** The Transport or Client was closed. */
        CLOSED("transport closed");

        private final String text;

        Phase(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The request method, e.g. GET. */
    private final String method;
    /** The request URL, password removed. */
    private final String url;
    /** Where the exchange failed. */
    private final Phase phase;
    /** Whether a timeout caused the failure. */
    private final boolean timeout;
    /** The connection's id, or null. */
    private final String connectionId;
    /** Whether the connection had served an earlier request. */
    private final boolean reused;
    /** How long the connection had been idle before this request, or null. */
    private final Duration idleTime;

    /**
     * A failure not tied to a connection. {@code url} must already be redacted.
     *
     * @param method the request method, e.g. GET
     * @param url the request URL with any password already removed
     * @param phase where the exchange failed
     * @param detail what went wrong, for the message; null to use the cause's message
     * @param cause the underlying error, or null
     * @param timeout whether a timeout caused the failure
     */
    public RequestException(String method, String url, Phase phase, String detail, Throwable cause, boolean timeout) {
        this(method, url, phase, detail, cause, timeout, null, false, null);
    }

    /**
     * A failure on connection {@code connectionId}, which was {@code reused} after {@code idleTime} idle.
     *
     * @param method the request method, e.g. GET
     * @param url the request URL with any password already removed
     * @param phase where the exchange failed
     * @param detail what went wrong, for the message; null to use the cause's message
     * @param cause the underlying error, or null
     * @param timeout whether a timeout caused the failure
     * @param connectionId the connection's id (e.g. "c3"), or null when none was involved
     * @param reused whether the connection had served an earlier request
     * @param idleTime how long a reused connection had been idle in the pool, or null
     */
    public RequestException(String method, String url, Phase phase, String detail, Throwable cause, boolean timeout,
                            String connectionId, boolean reused, Duration idleTime) {
        super(message(method, url, phase, detail, cause, connectionId, reused, idleTime), cause);
        this.method = method;
        this.url = url;
        this.phase = phase;
        this.timeout = timeout;
        this.connectionId = connectionId;
        this.reused = reused;
        this.idleTime = idleTime;
    }

    private static String message(String method, String url, Phase phase, String detail, Throwable cause,
                                  String connectionId, boolean reused, Duration idleTime) {
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(url).append(": ").append(phase);
        if (detail != null) {
            sb.append(": ").append(detail);
        } else if (cause != null) {
            sb.append(": ").append(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
        }
        if (connectionId != null) {
            sb.append(" [connection ").append(connectionId);
            if (reused) {
                sb.append(", reused");
                if (idleTime != null) {
                    sb.append(" after ").append(String.format("%.3f", idleTime.toNanos() / 1e9)).append(" s idle");
                }
            } else {
                sb.append(", new");
            }
            sb.append(']');
        }
        return sb.toString();
    }

    /** {@return the request method, e.g. GET} */
    public String method() {
        return method;
    }

    /** {@return the request URL with any password removed} */
    public String url() {
        return url;
    }

    /** {@return where in the exchange the failure happened} */
    public Phase phase() {
        return phase;
    }

    /** {@return whether a timeout (connect, response header, request, pool wait...) caused the failure} */
    public boolean isTimeout() {
        return timeout;
    }

    /** {@return the connection the failure happened on, or null when none was involved} */
    public String connectionId() {
        return connectionId;
    }

    /** {@return whether that connection had served an earlier request} */
    public boolean reused() {
        return reused;
    }

    /** {@return how long that connection had been idle in the pool before this request, or null} */
    public Duration idleTime() {
        return idleTime;
    }
}
