package dev.courier.http.opentelemetry;

import dev.courier.http.RoundTripper;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenTelemetry for Courier, after the stable HTTP client semantic conventions: a {@link RoundTripper}
 * middleware that makes a CLIENT span for every physical request, writes the span's context into the
 * request headers through the configured {@link TextMapPropagator} (W3C {@code traceparent} by default
 * in the SDK), and records the {@code http.client.request.duration} histogram.
 *
 * <pre>{@code
 * CourierTelemetry telemetry = CourierTelemetry.create(openTelemetry);
 * Client client = Client.newBuilder().transport(telemetry.instrument(transport)).build();
 * }</pre>
 *
 * <ul>
 *   <li>Span name {@code GET} (the method; {@code HTTP} for a method outside the known set); kind CLIENT;
 *       parent: the context current when the request is sent. Attributes {@code http.request.method}
 *       ({@code _OTHER} plus {@code http.request.method_original} for an unknown one), {@code url.full}
 *       (credentials replaced by {@code REDACTED}), {@code server.address}, {@code server.port},
 *       {@code http.response.status_code}, {@code network.protocol.version} ({@code 1.1}, {@code 2}),
 *       {@code error.type} (the status code for 4xx and 5xx, else the exception's class name), and
 *       {@code http.request.resend_count} on a resent request.
 *   <li>One span per request on the wire: a redirect that a {@link dev.courier.http.Client} follows is
 *       a second span, with the same parent (carried over in a request attribute, as the hop is sent from
 *       an event loop) and {@code http.request.resend_count} 1; a request the Transport retries on a
 *       fresh connection (a reused one failed before any response) is a second span too, while the first
 *       ends with the error. The retried request carries the headers injected for the first attempt,
 *       since the Transport sends the same request again.
 *   <li>The span ends, and the duration is recorded, when the response body ends (read, failed or
 *       closed before its end, which sets {@code error.type}), not when the head arrives.
 * </ul>
 */
public final class CourierTelemetry {
    /** The instrumentation scope name of the tracer and meter. */
    public static final String INSTRUMENTATION_NAME = "dev.courier.http";
    static final String INSTRUMENTATION_VERSION = "0.1.0";

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final DoubleHistogram duration;
    /** The attribute sets recorded so far: few (methods x hosts x statuses), and building one sorts it. */
    private final ConcurrentHashMap<MetricKey, Attributes> metricAttributes = new ConcurrentHashMap<>();

    private CourierTelemetry(Builder b) {
        OpenTelemetry otel = b.openTelemetry;
        this.tracer = otel.tracerBuilder(INSTRUMENTATION_NAME).setInstrumentationVersion(INSTRUMENTATION_VERSION).build();
        this.propagator = otel.getPropagators().getTextMapPropagator();
        this.duration = b.metrics
                ? otel.meterBuilder(INSTRUMENTATION_NAME).setInstrumentationVersion(INSTRUMENTATION_VERSION).build()
                        .histogramBuilder("http.client.request.duration")
                        .setUnit("s")
                        .setDescription("Duration of HTTP client requests.")
                        .setExplicitBucketBoundariesAdvice(SemanticAttributes.DURATION_BUCKETS)
                        .build()
                : null;
    }

    /**
     * {@return spans and metrics from {@code openTelemetry}, with the defaults}
     *
     * @param openTelemetry the configured OpenTelemetry (its tracer, meter and propagators are used)
     */
    public static CourierTelemetry create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /**
     * {@return a builder for spans and metrics from {@code openTelemetry}}
     *
     * @param openTelemetry the configured OpenTelemetry (its tracer, meter and propagators are used)
     */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
    }

    /**
     * {@return a round tripper that sends through {@code next} and traces and measures every request}
     *
     * @param next the round tripper to instrument: a Transport, or middleware around one
     */
    public RoundTripper instrument(RoundTripper next) {
        return new TracingRoundTripper(Objects.requireNonNull(next, "next"), this);
    }

    Tracer tracer() {
        return tracer;
    }

    TextMapPropagator propagator() {
        return propagator;
    }

    /** The duration histogram, or null when metrics are off. */
    DoubleHistogram duration() {
        return duration;
    }

    /** The attributes of one {@code http.client.request.duration} measurement, made once per distinct set. */
    Attributes metricAttributes(MetricKey key) {
        Attributes a = metricAttributes.get(key);
        if (a == null) {
            a = key.toAttributes();
            if (metricAttributes.size() < MAX_CACHED_ATTRIBUTES) {
                metricAttributes.putIfAbsent(key, a);
            }
        }
        return a;
    }

    /** Beyond this many distinct sets (many hosts), attributes are built per measurement instead of kept. */
    private static final int MAX_CACHED_ATTRIBUTES = 4096;

    /** What a duration measurement's attributes are made of; status -1 and protocol null without a response. */
    record MetricKey(String method, String host, long port, String scheme, int status, String protocolVersion,
                     String errorType) {
        Attributes toAttributes() {
            AttributesBuilder a = Attributes.builder()
                    .put(SemanticAttributes.HTTP_REQUEST_METHOD, method)
                    .put(SemanticAttributes.SERVER_ADDRESS, host)
                    .put(SemanticAttributes.SERVER_PORT, port)
                    .put(SemanticAttributes.URL_SCHEME, scheme);
            if (status >= 0) {
                a.put(SemanticAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
                a.put(SemanticAttributes.NETWORK_PROTOCOL_VERSION, protocolVersion);
            }
            if (errorType != null) {
                a.put(SemanticAttributes.ERROR_TYPE, errorType);
            }
            return a.build();
        }
    }

    /** Builds {@link CourierTelemetry}. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private boolean metrics = true;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        }

        /**
         * Whether to record {@code http.client.request.duration} (default true).
         *
         * @param enabled whether to record the histogram; spans are recorded either way
         * @return this builder
         */
        public Builder metrics(boolean enabled) {
            this.metrics = enabled;
            return this;
        }

        /** {@return the instrumentation, ready to {@link CourierTelemetry#instrument instrument} round trippers} */
        public CourierTelemetry build() {
            return new CourierTelemetry(this);
        }
    }
}
