package dev.courier.http.micrometer;

import dev.courier.http.ClientTrace;
import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.RoundTripper;
import java.util.concurrent.CompletableFuture;

/**
 * The middleware {@link CourierMetrics#instrument} returns: starts a {@link MeteredExchange} per request,
 * attaches it as the request's trace when connection metrics are on, and returns the round tripper's own
 * future (so that cancelling it still aborts the exchange below).
 */
final class MeteredRoundTripper implements RoundTripper {
    private final RoundTripper next;
    private final CourierMetrics metrics;
    private final TransportPoolMetrics pool;
    private final boolean countConnects;

    /** {@code countConnects}: count connections opened from the trace (no listener on a Transport counts them). */
    MeteredRoundTripper(RoundTripper next, CourierMetrics metrics, TransportPoolMetrics pool, boolean countConnects) {
        this.next = next;
        this.metrics = metrics;
        this.pool = pool;
        this.countConnects = countConnects;
    }

    @Override
    public CompletableFuture<Response> roundTrip(Request request) {
        MeteredExchange exchange = new MeteredExchange(metrics, pool, countConnects, request, metrics.now());
        Request sent = request;
        if (metrics.connectionMetrics()) {
            sent = request.toBuilder().trace(ClientTrace.compose(exchange, request.trace())).build();
        }
        CompletableFuture<Response> f;
        try {
            f = next.roundTrip(sent);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete(exchange);
        return f;
    }

    @Override
    public String toString() {
        return "CourierMetrics(" + next + ")";
    }
}
