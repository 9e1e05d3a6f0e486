package dev.courier.http.internal.body;

import dev.courier.http.Headers;
import dev.courier.http.Protocol;
import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.ResponseBody;
import dev.courier.http.UpgradedConnection;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A response as the Transport produces it. Header fields are converted from the codec's form the
 * first time they are asked for, so a caller that only reads the status and body pays nothing for them.
 */
public final class ResponseImpl implements Response {
    private final Request request;
    private final int status;
    private final String reason;
    private final Protocol protocol;
    private final ResponseBodyImpl body;
    private final boolean uncompressed;
    private final String connectionId;
    private Supplier<Headers> headerSource;
    private UpgradedConnection upgraded;
    private javax.net.ssl.SSLSession tlsSession;
    private volatile Headers headers;

    public ResponseImpl(Request request, int status, String reason, Protocol protocol, Supplier<Headers> headerSource,
                        ResponseBodyImpl body, boolean uncompressed, String connectionId) {
        this.request = request;
        this.status = status;
        this.reason = reason;
        this.protocol = protocol;
        this.headerSource = headerSource;
        this.body = body;
        this.uncompressed = uncompressed;
        this.connectionId = connectionId;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public String reason() {
        return reason;
    }

    /** Sets the TLS session (before the response is published). */
    public void tlsSession(javax.net.ssl.SSLSession session) {
        this.tlsSession = session;
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> tlsSession() {
        return java.util.Optional.ofNullable(tlsSession);
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public Headers headers() {
        Headers h = headers;
        if (h == null) {
            synchronized (this) {
                h = headers;
                if (h == null) {
                    h = headerSource.get();
                    headers = h;
                    headerSource = null;
                }
            }
        }
        return h;
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public boolean uncompressed() {
        return uncompressed;
    }

    @Override
    public ResponseBody body() {
        return body;
    }

    @Override
    public CompletionStage<Headers> trailers() {
        return body.trailers().minimalCompletionStage();
    }

    /** Marks this as a 101 response whose connection the caller now owns. */
    public void upgraded(UpgradedConnection connection) {
        this.upgraded = connection;
    }

    @Override
    public Optional<UpgradedConnection> upgradedConnection() {
        return Optional.ofNullable(upgraded);
    }

    @Override
    public String connectionId() {
        return connectionId;
    }

    @Override
    public void close() {
        body.close();
        if (upgraded != null) {
            upgraded.close();
        }
    }

    @Override
    public String toString() {
        return protocol + " " + status + " " + reason + " (" + request + ")";
    }
}
