package dev.courier.http.opentelemetry;

import dev.courier.http.ClientTrace;
import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.RoundTripper;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.concurrent.CompletableFuture;

/**
 * The middleware {@link CourierTelemetry#instrument} returns: starts a {@link TracedExchange} (and its
 * span) per request, writes the span's context into the request's headers, attaches the exchange as the
 * request's trace (for the Transport's retries) and the call's state as an attribute (for redirect hops),
 * and returns the round tripper's own future, so that cancelling it still aborts the exchange below.
 */
final class TracingRoundTripper implements RoundTripper {
    private static final TextMapSetter<Request.Builder> SETTER = (builder, name, value) -> {
        if (builder != null) {
            builder.setHeader(name, value);
        }
    };

    private final RoundTripper next;
    private final CourierTelemetry telemetry;

    TracingRoundTripper(RoundTripper next, CourierTelemetry telemetry) {
        this.next = next;
        this.telemetry = telemetry;
    }

    @Override
    public CompletableFuture<Response> roundTrip(Request request) {
        TracedCall call = request.attribute(TracedCall.class);
        int resendCount;
        if (call == null) {
            call = new TracedCall(Context.current());
            resendCount = 0;
        } else {
            resendCount = call.nextResend();
        }
        TracedExchange exchange = new TracedExchange(telemetry, call, request, resendCount);
        Request.Builder b = request.toBuilder();
        telemetry.propagator().inject(exchange.spanContext(), b, SETTER);
        Request sent = b.attribute(TracedCall.class, call).trace(ClientTrace.compose(exchange, request.trace())).build();
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
        return "CourierTelemetry(" + next + ")";
    }
}
