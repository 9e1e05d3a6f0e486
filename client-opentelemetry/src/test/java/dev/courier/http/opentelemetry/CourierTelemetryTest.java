package dev.courier.http.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import dev.courier.http.RoundTripper;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Exchanges;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CourierTelemetry with the OpenTelemetry SDK and in-memory exporters, against our test server. */
class CourierTelemetryTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private final Otel otel = new Otel();

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    private RoundTripper traced() {
        return CourierTelemetry.create(otel.sdk).instrument(courier.transport());
    }

    private List<SpanData> awaitSpans(int n) {
        Await.until(() -> "client spans " + otel.clientSpans(), () -> otel.clientSpans().size() == n);
        return otel.clientSpans();
    }

    private static String traceparent(SpanData span) {
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex();
    }

    @Test
    void aClientSpanPerRequestWithTheStableSemanticConventions() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("fine"));
        server.enqueue(ServerResponse.status(404).body("missing"));
        server.enqueue(ServerResponse.status(500).body("broken"));
        RoundTripper rt = traced();
        for (String path : new String[] {"/ok", "/missing", "/broken"}) {
            Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri(path + "?q=1")).build()));
        }
        List<SpanData> spans = awaitSpans(3);
        SpanData ok = spans.stream().filter(s -> s.getAttributes().get(AttributeKey.longKey("http.response.status_code")) == 200).findFirst().orElseThrow();
        assertThat(ok).hasName("GET").hasKind(SpanKind.CLIENT).hasNoParent()
                .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
                .hasAttributesSatisfyingExactly(
                        equalTo(AttributeKey.stringKey("http.request.method"), "GET"),
                        equalTo(AttributeKey.stringKey("url.full"), server.uri("/ok?q=1").toString()),
                        equalTo(AttributeKey.stringKey("server.address"), "127.0.0.1"),
                        equalTo(AttributeKey.longKey("server.port"), (long) server.port()),
                        equalTo(AttributeKey.longKey("http.response.status_code"), 200L),
                        equalTo(AttributeKey.stringKey("network.protocol.version"), "1.1"));
        for (long code : new long[] {404, 500}) {
            SpanData failed = spans.stream().filter(s -> s.getAttributes().get(AttributeKey.longKey("http.response.status_code")) == code).findFirst().orElseThrow();
            assertThat(failed).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.error())
                    .hasAttribute(AttributeKey.stringKey("error.type"), Long.toString(code));
        }
        // The server saw each span's own context: the traceparent's span id is the client span's id.
        List<RecordedRequest> seen = List.of(server.takeRequest(), server.takeRequest(), server.takeRequest());
        for (RecordedRequest r : seen) {
            SpanData span = spans.stream().filter(s -> s.getAttributes().get(AttributeKey.stringKey("url.full")).endsWith(r.target())).findFirst().orElseThrow();
            assertThat(r.header("traceparent")).isEqualTo(traceparent(span));
        }
    }

    @Test
    void theSpanIsAChildOfTheCurrentSpanAndRedirectHopsAreSiblingsWithAResendCount() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(302).header("Location", "/landing").body("moved"));
        server.enqueue(ServerResponse.ok("landed"));
        Client client = Client.newBuilder().transport(traced()).build();
        Span parent = otel.sdk.getTracer("test").spanBuilder("caller").startSpan();
        try (Scope scope = parent.makeCurrent()) {
            assertThat(client.get(server.uri("/start")).thenCompose(r -> r.body().text()).get(10, SECONDS)).isEqualTo("landed");
        } finally {
            parent.end();
        }
        List<SpanData> hops = awaitSpans(2).stream().sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        for (SpanData hop : hops) {
            assertThat(hop).hasParentSpanId(parent.getSpanContext().getSpanId()).hasTraceId(parent.getSpanContext().getTraceId());
        }
        assertThat(hops.get(0)).hasAttribute(AttributeKey.longKey("http.response.status_code"), 302L)
                .satisfies(s -> assertThat(s.getAttributes().get(AttributeKey.longKey("http.request.resend_count"))).isNull());
        assertThat(hops.get(1)).hasAttribute(AttributeKey.longKey("http.response.status_code"), 200L)
                .hasAttribute(AttributeKey.longKey("http.request.resend_count"), 1L)
                .hasAttribute(AttributeKey.stringKey("url.full"), server.uri("/landing").toString());
        assertThat(server.takeRequest().header("traceparent")).isEqualTo(traceparent(hops.get(0)));
        assertThat(server.takeRequest().header("traceparent")).isEqualTo(traceparent(hops.get(1)));
    }

    @Test
    void aRetriedRequestIsASecondSpan() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("first"));
        server.enqueue(ServerResponse.ok("never sent").closeAfterBytes(0)); // the server drops the reused connection
        server.enqueue(ServerResponse.ok("second"));
        RoundTripper rt = traced();
        assertThat(Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/first")).build()))).isEqualTo("first");
        assertThat(Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/retried")).build()))).isEqualTo("second");
        List<SpanData> retried = awaitSpans(3).stream().filter(s -> s.getAttributes().get(AttributeKey.stringKey("url.full")).endsWith("/retried"))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
        assertThat(retried).hasSize(2);
        assertThat(retried.get(0)).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.error())
                .satisfies(s -> assertThat(s.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isNull());
        assertThat(retried.get(0).getAttributes().get(AttributeKey.stringKey("error.type"))).isNotBlank();
        assertThat(retried.get(1)).hasAttribute(AttributeKey.longKey("http.request.resend_count"), 1L)
                .hasAttribute(AttributeKey.longKey("http.response.status_code"), 200L);
        assertThat(retried.get(0).getParentSpanId()).isEqualTo(retried.get(1).getParentSpanId());
    }

    @Test
    void aRefusedConnectionEndsTheSpanWithTheErrorType() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RequestException e = Exchanges.failure(traced().roundTrip(Request.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.CONNECT);
        SpanData span = awaitSpans(1).get(0);
        assertThat(span).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.error())
                .hasAttribute(AttributeKey.stringKey("error.type"), "java.net.ConnectException")
                .satisfies(s -> assertThat(s.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isNull())
                .hasException(e);
    }

    @Test
    void aBodyClosedBeforeItsEndStillEndsTheSpan() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").streamBody(1 << 20));
        Response r = traced().roundTrip(Request.newBuilder(server.uri("/big")).build()).get(10, SECONDS);
        assertThat(Await.within(java.time.Duration.ofMillis(300), () -> !otel.clientSpans().isEmpty()))
                .as("no span ends at the head").isFalse();
        r.close();
        assertThat(awaitSpans(1).get(0)).hasAttribute(AttributeKey.longKey("http.response.status_code"), 200L)
                .hasAttribute(AttributeKey.stringKey("error.type"), "dev.courier.http.RequestException")
                .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.error());
    }

    @Test
    void theDurationHistogramHasTheConventionsAttributesAndAdvisedBuckets() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("a"));
        server.enqueue(ServerResponse.ok("b"));
        server.enqueue(ServerResponse.status(503).body("c"));
        RoundTripper rt = traced();
        for (int i = 0; i < 3; i++) {
            Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/")).build()));
        }
        awaitSpans(3);
        MetricData metric = otel.metrics.collectAllMetrics().stream()
                .filter(m -> m.getName().equals("http.client.request.duration")).findFirst().orElseThrow();
        assertThat(metric).hasUnit("s").hasHistogramSatisfying(h -> h.hasPointsSatisfying(
                p -> p.hasCount(2).hasBucketBoundaries(SemanticAttributes.DURATION_BUCKETS.stream().mapToDouble(Double::doubleValue).toArray())
                        .hasAttributesSatisfyingExactly(
                                equalTo(AttributeKey.stringKey("http.request.method"), "GET"),
                                equalTo(AttributeKey.stringKey("server.address"), "127.0.0.1"),
                                equalTo(AttributeKey.longKey("server.port"), (long) server.port()),
                                equalTo(AttributeKey.stringKey("url.scheme"), "http"),
                                equalTo(AttributeKey.longKey("http.response.status_code"), 200L),
                                equalTo(AttributeKey.stringKey("network.protocol.version"), "1.1")),
                p -> p.hasCount(1).hasAttributesSatisfying(
                        equalTo(AttributeKey.longKey("http.response.status_code"), 503L),
                        equalTo(AttributeKey.stringKey("error.type"), "503"))));
        HistogramPointData any = (HistogramPointData) metric.getData().getPoints().iterator().next();
        assertThat(any.getSum()).isPositive();
    }

    @Test
    void anUnknownMethodIsOtherAndCredentialsAreRedacted() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x"));
        URI withSecrets = URI.create("http://alice:s3cret@127.0.0.1:" + server.port() + "/file?sig=abc&keep=1");
        Exchanges.read(traced().roundTrip(Request.newBuilder(withSecrets).method("PROPFIND").build()));
        assertThat(awaitSpans(1).get(0)).hasName("HTTP")
                .hasAttribute(AttributeKey.stringKey("http.request.method"), "_OTHER")
                .hasAttribute(AttributeKey.stringKey("http.request.method_original"), "PROPFIND")
                .hasAttribute(AttributeKey.stringKey("url.full"),
                        "http://REDACTED:REDACTED@127.0.0.1:" + server.port() + "/file?sig=REDACTED&keep=1");
        assertThat(server.takeRequest().method()).isEqualTo("PROPFIND");
    }

    @Test
    void withoutMetricsOnlySpans() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x"));
        RoundTripper rt = CourierTelemetry.builder(otel.sdk).metrics(false).build().instrument(courier.transport());
        Exchanges.read(rt.roundTrip(Request.newBuilder(server.uri("/")).build()));
        awaitSpans(1);
        assertThat(otel.metrics.collectAllMetrics()).isEmpty();
    }
}
