package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static dev.courier.http.testing.Exchanges.read;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.courier.http.MalformedResponseCase.Accepted;
import dev.courier.http.MalformedResponseCase.BodyFails;
import dev.courier.http.MalformedResponseCase.Fate;
import dev.courier.http.MalformedResponseCase.HeadFails;
import dev.courier.http.MalformedResponseCase.Outcome;
import dev.courier.http.MalformedResponseCase.Setup;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ExpectMode;
import dev.courier.http.testing.H2RecordedRequest;
import dev.courier.http.testing.H2Settings;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks every row of docs/MALFORMED-RESPONSES.md ({@link MalformedResponseTable} for HTTP/1.1,
 * {@link MalformedH2ResponseTable} for HTTP/2) against a real loopback server, asserting exactly the
 * documented outcome (the status and body, or the phase, cause type and cause message), what becomes of the
 * connection, and that none is left leased; and checks that the document is the one those rows make.
 * After editing the rows, regenerate the document with
 * {@code mvn -pl client-core verify -Dtest=MalformedResponseTest -Dcourier.writeDocs=true}.
 */
class MalformedResponseTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    static Stream<Arguments> http1() {
        return MalformedResponseTable.http1().stream().map(c -> arguments(c.section() + ": " + c.name(), c));
    }

    static Stream<Arguments> http2() {
        return MalformedH2ResponseTable.http2().stream().map(c -> arguments(c.section() + ": " + c.name(), c));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("http1")
    void http1(String name, MalformedResponseCase c) throws Exception {
        TestServer server = courier.server();
        Setup setup = c.setup();
        ServerResponse script = ServerResponse.status(200).raw(c.wire().getBytes(StandardCharsets.ISO_8859_1));
        if (setup.serverCloses()) {
            script = script.closeConnection();
        }
        if (setup.throttleBytes() > 0) {
            script = script.throttle(setup.throttleBytes(), Duration.ofMillis(50));
        }
        if (setup.expectContinue()) {
            script = script.expectContinue(ExpectMode.FINAL_WITHOUT_100);
        }
        server.enqueue(script);
        Transport t = courier.transport(b -> setup.maxHeaderBytes() > 0
                ? b.maxResponseHeaderBytes(setup.maxHeaderBytes()) : b);
        Request.Builder request = Request.newBuilder(server.uri("/case")).method(setup.method());
        if (setup.expectContinue()) {
            request.header("Expect", "100-continue")
                    .body(RequestBody.of("a body the server never reads", StandardCharsets.UTF_8));
        }
        Response r = play(t, t.roundTrip(request.build()), c.outcome());
        if (r != null && ((Accepted) c.outcome()).fate() == Fate.REUSED) {
            server.takeRequest();
            assertThat(read(t.roundTrip(Request.newBuilder(server.uri("/next")).build()))).isEqualTo("ok");
            RecordedRequest next = server.takeRequest();
            assertThat(next.path()).isEqualTo("/next");
            assertThat(next.connectionIndex()).as("the next request reuses the connection").isZero();
        } else {
            Await.noConnections(t);
            assertThat(read(t.roundTrip(Request.newBuilder(server.uri("/next")).build()))).isEqualTo("ok");
        }
        assertThat(Await.noActiveConnections(t).active()).as("connections left leased").isZero();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("http2")
    void http2(String name, MalformedResponseCase c) throws Exception {
        H2TestServer server = courier.closeAfter(H2TestServer.startH2c(H2Settings.defaults()));
        server.enqueue(c.setup().h2().response());
        Transport t = courier.transport(b -> b.h2cPriorKnowledge(true));
        play(t, t.roundTrip(Request.newBuilder(server.uri("/case")).method(c.setup().method()).build()), c.outcome());
        // A malformed stream is reset, not the connection: the next request still goes over it.
        server.takeRequest();
        assertThat(read(t.roundTrip(Request.newBuilder(server.uri("/next")).build()))).isEqualTo("ok");
        H2RecordedRequest next = server.takeRequest();
        assertThat(next.path()).isEqualTo("/next");
        assertThat(next.connectionIndex()).as("the connection survives a malformed stream").isZero();
        assertThat(Await.noActiveConnections(t).active()).as("connections left leased").isZero();
    }

    /** The document is exactly what the rows make; with -Dcourier.writeDocs=true it is written instead. */
    @Test
    void theDocumentIsGeneratedFromTheRows() throws Exception {
        Path doc = MalformedResponseDoc.path();
        String expected = MalformedResponseDoc.render(MalformedResponseTable.http1(), MalformedH2ResponseTable.http2());
        if (Boolean.getBoolean("courier.writeDocs")) {
            Files.createDirectories(doc.getParent());
            Files.writeString(doc, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(doc)).as("%s exists", doc).isTrue();
        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .as("%s is generated from MalformedResponseTable and MalformedH2ResponseTable: regenerate it with "
                        + "-Dcourier.writeDocs=true", doc)
                .isEqualTo(expected);
    }

    /** Checks the outcome of the call {@code f}; returns the response when it was accepted (its body read), else null. */
    private static Response play(Transport t, CompletableFuture<Response> f, Outcome outcome) throws Exception {
        if (outcome instanceof HeadFails fails) {
            RequestException e = failure(f);
            assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
            assertThat(e.getCause()).isExactlyInstanceOf(fails.type()).hasMessage(fails.message());
            Await.noActiveConnections(t);
            return null;
        }
        Response r = f.get(10, SECONDS);
        if (outcome instanceof BodyFails fails) {
            assertThat(r.status()).isEqualTo(fails.status());
            RequestException e = failure(r.body().bytes());
            assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
            assertThat(e.getCause()).isExactlyInstanceOf(fails.type()).hasMessage(fails.message());
            return null;
        }
        Accepted ok = (Accepted) outcome;
        assertThat(r.status()).isEqualTo(ok.status());
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo(ok.body());
        for (String check : ok.checks()) {
            check(r, check);
        }
        return r;
    }

    private static void check(Response r, String check) throws Exception {
        if (check.startsWith("header names ")) {
            assertThat(r.headers().names()).containsExactlyElementsOf(List.of(check.substring(13).split(", ")));
        } else if (check.startsWith("header ")) {
            int colon = check.indexOf(": ");
            assertThat(r.headers().all(check.substring(7, colon))).containsExactly(check.substring(colon + 2));
        } else if (check.startsWith("no header ")) {
            assertThat(r.headers().contains(check.substring(10))).as(check).isFalse();
        } else if (check.startsWith("trailer names ")) {
            Headers trailers = r.trailers().toCompletableFuture().get(10, SECONDS);
            assertThat(trailers.names()).containsExactlyElementsOf(List.of(check.substring(14).split(", ")));
        } else if (check.startsWith("reason \"")) {
            assertThat(r.reason()).isEqualTo(check.substring(8, check.length() - 1));
        } else if (check.startsWith("protocol ")) {
            assertThat(r.protocol()).isEqualTo(Protocol.valueOf(check.substring(9)));
        } else {
            throw new AssertionError("unknown check: " + check);
        }
    }
}
