package dev.courier.http.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Client;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Httpbin;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CourierTelemetry against a real httpbin (gunicorn): it echoes the traceparent it received. */
class HttpbinTelemetryTest {
    @RegisterExtension
    static final Httpbin httpbin = new Httpbin();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private final Otel otel = new Otel();

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    @Test
    void httpbinSeesTheClientSpansContext() throws Exception {
        Client client = Client.newBuilder().transport(CourierTelemetry.create(otel.sdk).instrument(courier.transport())).build();
        Span parent = otel.sdk.getTracer("test").spanBuilder("caller").startSpan();
        String echoed;
        try (Scope scope = parent.makeCurrent()) {
            echoed = client.get(httpbin.uri("/headers")).thenCompose(r -> r.body().text()).get(20, SECONDS);
            client.get(httpbin.uri("/status/418")).thenCompose(r -> r.body().discard()).get(20, SECONDS);
        } finally {
            parent.end();
        }
        Await.until("two client spans", () -> otel.clientSpans().size() == 2);
        List<SpanData> spans = otel.clientSpans();
        SpanData headers = spans.stream().filter(s -> s.getAttributes().get(AttributeKey.stringKey("url.full")).endsWith("/headers")).findFirst().orElseThrow();
        assertThat(headers).hasParentSpanId(parent.getSpanContext().getSpanId())
                .hasAttribute(AttributeKey.longKey("http.response.status_code"), 200L);
        // httpbin answers with the headers it received, names capitalised: "Traceparent":"00-<trace>-<span>-<flags>".
        assertThat(echoed.replace(" ", "")).contains("\"Traceparent\":\"00-" + headers.getTraceId() + "-" + headers.getSpanId()
                + "-" + headers.getSpanContext().getTraceFlags().asHex() + "\"");
        SpanData teapot = spans.stream().filter(s -> s.getAttributes().get(AttributeKey.stringKey("url.full")).endsWith("/status/418")).findFirst().orElseThrow();
        assertThat(teapot).hasAttribute(AttributeKey.stringKey("error.type"), "418")
                .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.error());
    }
}
