package dev.courier.bench.compare.clients;

import dev.courier.http.RoundTripper;
import dev.courier.http.micrometer.CourierMetrics;
import dev.courier.http.opentelemetry.CourierTelemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps Courier's transport in the observability middleware named by {@code -Dcourier.bench.observe}, for
 * run-observe.sh: {@code none}, {@code micrometer} (CourierMetrics on a SimpleMeterRegistry, connection
 * metrics and pool gauges included), {@code otel} (CourierTelemetry: a sampled span per request through a
 * BatchSpanProcessor, W3C propagation, the duration histogram on an SDK meter provider), or {@code both};
 * {@code otel10} and {@code both10} sample one trace in ten (parent-based trace-id ratio, a common
 * production setting): the other requests still propagate a context and record the histogram.
 * Loaded only when instrumentation is asked for, so the plain comparison never loads these libraries.
 */
final class CourierObservability implements AutoCloseable {
    private final SimpleMeterRegistry registry;
    private final OpenTelemetrySdk otel;
    private final CountingExporter exported = new CountingExporter();

    private CourierObservability(String mode) {
        boolean metrics = mode.equals("micrometer") || mode.startsWith("both");
        boolean tracing = mode.startsWith("otel") || mode.startsWith("both");
        boolean tenth = mode.endsWith("10");
        if (!metrics && !tracing || tenth && !tracing) {
            throw new IllegalArgumentException("courier.bench.observe: none, micrometer, otel, both, otel10 or both10, not " + mode);
        }
        registry = metrics ? new SimpleMeterRegistry() : null;
        otel = tracing ? OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(exported).build())
                        .setSampler(tenth ? Sampler.parentBased(Sampler.traceIdRatioBased(0.1)) : Sampler.parentBased(Sampler.alwaysOn()))
                        .build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build() : null;
    }

    static CourierObservability of(String mode) {
        return new CourierObservability(mode);
    }

    /** Micrometer next to the Transport (so it reports the pool), OpenTelemetry around it. */
    RoundTripper instrument(RoundTripper transport) {
        RoundTripper rt = transport;
        if (registry != null) {
            rt = CourierMetrics.builder(registry).build().instrument(rt);
        }
        if (otel != null) {
            rt = CourierTelemetry.create(otel).instrument(rt);
        }
        return rt;
    }

    @Override
    public void close() {
        if (otel != null) {
            otel.close();
            System.err.println("spans exported: " + exported.count.get());
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** Stands in for an OTLP exporter: the spans are built and batched as for a real one, then dropped. */
    private static final class CountingExporter implements SpanExporter {
        final AtomicLong count = new AtomicLong();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            count.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
