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
        DNS("resolving host"),
        CONNECT("connecting"),
        PROXY("talking to proxy"),
        TLS("TLS handshake"),
        WRITE_REQUEST("writing request"),
        AWAIT_HEADERS("awaiting response headers"),
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

    private final String method;
    private final String url;
    private final Phase phase;
    private final boolean timeout;
    private final String connectionId;
    private final boolean reused;
    private final Duration idleTime;

    /** A failure not tied to a connection. {@code url} must already be redacted. */
    public RequestException(String method, String url, Phase phase, String detail, Throwable cause, boolean timeout) {
        this(method, url, phase, detail, cause, timeout, null, false, null);
    }

    /** A failure on connection {@code connectionId}, which was {@code reused} after {@code idleTime} idle. */
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

    public String method() {
        return method;
    }

    /** The request URL with any password removed. */
    public String url() {
        return url;
    }

    public Phase phase() {
        return phase;
    }

    /** Whether a timeout (connect, response header, request, pool wait...) caused the failure. */
    public boolean isTimeout() {
        return timeout;
    }

    /** The connection the failure happened on, or null when none was involved. */
    public String connectionId() {
        return connectionId;
    }

    /** Whether that connection had served an earlier request. */
    public boolean reused() {
        return reused;
    }

    /** How long that connection had been idle in the pool before this request, or null. */
    public Duration idleTime() {
        return idleTime;
    }
}
