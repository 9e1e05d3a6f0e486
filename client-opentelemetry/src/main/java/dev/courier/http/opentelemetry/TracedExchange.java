package dev.courier.http.opentelemetry;

import dev.courier.http.ClientTrace;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.util.function.BiConsumer;

/**
 * One request being traced: its span (a new one when the Transport retries it), and the callback of
 * both the response future and the body's end (its trailers), which ends the span and records the
 * duration once the body is over.
 *
 * <p>Events of one exchange arrive one after the other (each step starts from the previous one's
 * completion), so the fields need no lock.
 */
final class TracedExchange implements ClientTrace, BiConsumer<Object, Throwable> {
    private final CourierTelemetry telemetry;
    private final TracedCall call;
    private final Request request;
    private final String method;
    private Span span;
    /** The call's parent context with {@code span}: propagated, and the metric's context (exemplars). */
    private Context spanContext;
    private long start;
    private Response response;

    TracedExchange(CourierTelemetry telemetry, TracedCall call, Request request, int resendCount) {
        this.telemetry = telemetry;
        this.call = call;
        this.request = request;
        this.method = SemanticAttributes.method(request.method());
        startSpan(resendCount);
    }

    /** The context to propagate: the call's parent with this request's span. */
    Context spanContext() {
        return spanContext;
    }

    private void startSpan(int resendCount) {
        URI uri = request.uri();
        SpanBuilder b = telemetry.tracer().spanBuilder(SemanticAttributes.spanName(method))
                .setSpanKind(SpanKind.CLIENT)
                .setParent(call.parent())
                .setAttribute(SemanticAttributes.HTTP_REQUEST_METHOD, method)
                .setAttribute(SemanticAttributes.SERVER_ADDRESS, uri.getHost())
                .setAttribute(SemanticAttributes.SERVER_PORT, SemanticAttributes.port(uri))
                .setAttribute(SemanticAttributes.URL_FULL, SemanticAttributes.urlFull(uri));
        if (SemanticAttributes.OTHER_METHOD.equals(method)) {
            b.setAttribute(SemanticAttributes.HTTP_REQUEST_METHOD_ORIGINAL, request.method());
        }
        if (resendCount > 0) {
            b.setAttribute(SemanticAttributes.HTTP_REQUEST_RESEND_COUNT, (long) resendCount);
        }
        span = b.startSpan();
        spanContext = call.parent().with(span);
        start = System.nanoTime();
    }

    // ---- the response future, then the body's end ----

    @Override
    public void accept(Object value, Throwable error) {
        Response r = response;
        if (r != null) {
            end(r, error); // the body ended
        } else if (error != null) {
            end(null, unwrap(error));
        } else {
            r = (Response) value;
            response = r;
            span.setAttribute(SemanticAttributes.HTTP_RESPONSE_STATUS_CODE, (long) r.status());
            span.setAttribute(SemanticAttributes.NETWORK_PROTOCOL_VERSION, SemanticAttributes.protocolVersion(r.protocol()));
            if (r.upgradedConnection().isPresent()) {
                end(r, null); // the connection is the caller's now: no body to wait for
            } else {
                r.trailers().whenComplete(this);
            }
        }
    }

    /** Ends the span and records the duration: after the body, or without a response on {@code error}. */
    private void end(Response r, Throwable error) {
        String errorType = null;
        if (r != null && r.status() >= 400) {
            // HTTP span status: 4xx and 5xx are errors of a client span; error.type is then the code.
            errorType = Integer.toString(r.status());
        } else if (error != null) {
            errorType = SemanticAttributes.errorType(unwrap(error));
        }
        if (errorType != null) {
            span.setAttribute(SemanticAttributes.ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR);
        }
        if (error != null) {
            span.recordException(unwrap(error));
        }
        span.end();
        record(r, errorType);
    }

    private void record(Response r, String errorType) {
        DoubleHistogram duration = telemetry.duration();
        if (duration == null) {
            return;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        URI uri = request.uri();
        Attributes attributes = telemetry.metricAttributes(new CourierTelemetry.MetricKey(method, uri.getHost(),
                SemanticAttributes.port(uri), uri.getScheme(), r == null ? -1 : r.status(),
                r == null ? null : SemanticAttributes.protocolVersion(r.protocol()), errorType));
        duration.record(seconds, attributes, spanContext);
    }

    // ---- the trace: the Transport sends the request again ----

    /** The attempt failed on a reused connection and is sent again: its span ends, a new one starts. */
    @Override
    public void retrying(int attempt, RequestException cause, String reason) {
        if (response != null) {
            return;
        }
        end(null, cause);
        startSpan(call.nextResend());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
