package dev.courier.http.internal.client;

import dev.courier.http.Headers;
import dev.courier.http.Protocol;
import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.ResponseBody;
import dev.courier.http.UpgradedConnection;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A response the Client returns after redirects: the last hop's response, with the chain of earlier ones. */
final class ClientResponse implements Response {
    private final Response delegate;
    private final Response previous;

    ClientResponse(Response delegate, Response previous) {
        this.delegate = delegate;
        this.previous = previous;
    }

    @Override public int status() { return delegate.status(); }
    @Override public String reason() { return delegate.reason(); }
    @Override public Protocol protocol() { return delegate.protocol(); }
    @Override public Headers headers() { return delegate.headers(); }
    @Override public Request request() { return delegate.request(); }
    @Override public boolean uncompressed() { return delegate.uncompressed(); }
    @Override public ResponseBody body() { return delegate.body(); }
    @Override public CompletionStage<Headers> trailers() { return delegate.trailers(); }
    @Override public Optional<UpgradedConnection> upgradedConnection() { return delegate.upgradedConnection(); }
    @Override public String connectionId() { return delegate.connectionId(); }
    @Override public Optional<javax.net.ssl.SSLSession> tlsSession() { return delegate.tlsSession(); }
    @Override public void close() { delegate.close(); }

    /** The response whose redirect led here; its body was already drained and closed. */
    @Override
    public Optional<Response> previous() {
        return Optional.ofNullable(previous);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
