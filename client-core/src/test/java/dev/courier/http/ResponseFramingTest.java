package dev.courier.http;

import static dev.courier.http.testing.Exchanges.failure;
import static dev.courier.http.testing.Exchanges.read;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the HTTP/1.1 response decoder frames bodies when servers bend the protocol (RFC 9112 sections 5 to
 * 7, with Go's choices where the RFC leaves one): repeated or conflicting lengths, transfer codings,
 * folded and invalid fields, chunk details, odd status lines, and heads that arrive a byte at a time.
 */
class ResponseFramingTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    // ---- lengths and transfer codings ----

    @Test
    void repeatedIdenticalContentLengthsCountOnceAndTheConnectionIsReused() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
        Transport t = courier.transport();
        Response r = get(t, server, "/dup");
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("hello");
        assertThat(r.headers().all("Content-Length")).containsExactly("5");
        assertNextRequestReusesConnection(server, t);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"Content-Length: 5\r\nContent-Length: 6", "Content-Length: 5, 6"})
    void differingContentLengthsFailTheHead(String fields) throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\n" + fields + "\r\n\r\nhello!"));
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/differ")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.getMessage()).contains("malformed response head", "differing Content-Length values \"5\" and \"6\"");
        Await.noConnections(t);
    }

    @Test
    void chunkedWinsOverContentLengthButTheConnectionIsNotReused() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
        Transport t = courier.transport();
        Response r = get(t, server, "/both");
        assertThat(r.body().contentLength()).isEqualTo(-1);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("hello world");
        assertThat(r.headers().contains("Content-Length")).as("dropped, as Go does").isFalse();
        assertThat(r.headers().first("Transfer-Encoding")).isEqualTo("chunked");
        assertNextRequestUsesNewConnection(server, t);
    }

    @Test
    void transferEncodingOfAnHttp10ResponseIsIgnored() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n"
                + "Connection: keep-alive\r\n\r\nhi"));
        Transport t = courier.transport();
        Response r = get(t, server, "/old");
        assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_0);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("hi");
        assertNextRequestUsesNewConnection(server, t);
    }

    /** As Go's parseTransferEncoding: chunked alone, or the head fails naming the value (never bytes still encoded). */
    @ParameterizedTest(name = "[{index}] Transfer-Encoding: {0}")
    @ValueSource(strings = {"identity", "gzip", "gzip, chunked", "x-unknown, chunked", "chunked,", ""})
    void aTransferCodingOtherThanChunkedFailsTheHeadNamingIt(String codings) throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: " + codings + "\r\nContent-Length: 2\r\n\r\n"
                + "2\r\nok\r\n0\r\n\r\n").closeConnection());
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/te")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.getCause()).isInstanceOf(java.net.ProtocolException.class);
        assertThat(e.getMessage()).contains("unsupported Transfer-Encoding \"" + codings + "\"");
        Await.noConnections(t);
    }

    @ParameterizedTest(name = "[{index}] Transfer-Encoding: {0}")
    @ValueSource(strings = {"chunked, gzip", "chunked, chunked"})
    void chunkedNotLastOrTwiceFailsTheHead(String codings) throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: " + codings + "\r\n\r\n0\r\n\r\n"));
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/te")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.getMessage()).contains("malformed response head", "chunked");
        Await.noConnections(t);
    }

    @ParameterizedTest(name = "[{index}] Content-Length: {0}")
    @ValueSource(strings = {"-1", "+5", "5x", "0x10", "99999999999999999999"})
    void invalidContentLengthFailsTheHead(String value) throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nContent-Length: " + value + "\r\n\r\nhello"));
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/bad-length")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.getMessage()).contains("invalid Content-Length \"" + value + "\"");
        Await.noConnections(t);
    }

    // ---- fields ----

    @Test
    void foldedFieldValuesAreJoinedWithSpaces() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nX-Folded: first\r\n  second\r\n\tthird \r\n"
                + "Content-Length: 2\r\n\r\nok"));
        Response r = get(courier.transport(), server, "/fold");
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        assertThat(r.headers().first("x-folded")).isEqualTo("first second third");
    }

    @Test
    void fieldsWhoseNameIsNotATokenAreLeftOutAndTheRestKept() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nBad Name: dropped\r\nX-Good: kept\r\n"
                + "X(Y): dropped\r\nContent-Length: 2\r\n\r\nok"));
        Response r = get(courier.transport(), server, "/invalid");
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        assertThat(r.headers().names()).containsExactly("X-Good", "Content-Length");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"No-Colon-Here", " X-Starts-With-Space: 1"})
    void aLineThatIsNotAFieldFailsTheHead(String line) throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\n" + line + "\r\nContent-Length: 2\r\n\r\nok"));
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/not-a-field")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.getMessage()).contains("malformed response head", line.trim());
        Await.noConnections(t);
    }

    // ---- status lines ----

    @Test
    void aStatusLineWithoutReasonAndBareLineFeedsIsRead() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("\r\n\r\nHTTP/1.1 299\nX-A: 1\nContent-Length: 2\n\nok"));
        Response r = get(courier.transport(), server, "/terse");
        assertThat(r.status()).isEqualTo(299);
        assertThat(r.reason()).isEmpty();
        assertThat(r.headers().first("X-A")).isEqualTo("1");
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"HTTP/1.1 2x0 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/2.0 200 OK", "ICY 200 OK",
            "HTTP/1.1"})
    void aMalformedStatusLineFailsTheHead(String statusLine) throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw(statusLine + "\r\nContent-Length: 2\r\n\r\nok"));
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/status")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.getMessage()).contains("malformed response head", statusLine);
        Await.noConnections(t);
    }

    @Test
    void aCloseAfterTheStatusLineFailsTheHead() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nContent-Len").closeConnection());
        Transport t = courier.transport();
        RequestException e = failure(t.roundTrip(Request.newBuilder(server.uri("/cut")).build()));
        assertThat(e.phase()).isEqualTo(RequestException.Phase.AWAIT_HEADERS);
        assertThat(e.getMessage()).contains("connection closed while reading the response head");
        assertThat(server.requestCount()).as("not retried: the server answered").isEqualTo(1);
    }

    // ---- chunks ----

    @Test
    void chunkExtensionsAreIgnored() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1 ; a=\"q;uoted\" ; b\r\n!\r\n0;last\r\nX-T: 1\r\n\r\n"));
        Transport t = courier.transport();
        Response r = get(t, server, "/ext");
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("hello!");
        assertThat(r.trailers().toCompletableFuture().get(10, SECONDS).first("X-T")).isEqualTo("1");
        assertNextRequestReusesConnection(server, t);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"10000000000000000\r\n", "-5\r\n", "\r\n", "5\r\nhelloXX", "5;a\u0001b\r\n"})
    void badChunkFramingFailsTheBody(String chunks) throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
                + "hello\r\n0\r\n\r\n"));
        Transport t = courier.transport();
        Response r = get(t, server, "/bad-chunk");
        RequestException e = failure(r.body().bytes());
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        assertThat(e.getMessage()).contains("malformed response body");
        Await.noConnections(t);
    }

    @Test
    void trailersCannotSetFramingFields() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("x").raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nok\r\n0\r\nContent-Length: 99\r\nTrailer: X\r\nX-Sum: 7\r\n\r\n"));
        Response r = get(courier.transport(), server, "/trailers");
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
        Headers trailers = r.trailers().toCompletableFuture().get(10, SECONDS);
        assertThat(trailers.names()).containsExactly("X-Sum");
    }

    // ---- arrival ----

    @Test
    void aResponseArrivingOneByteAtATimeIsReadWhole() throws Exception {
        TestServer server = courier.server();
        String response = "HTTP/1.1 200 OK\r\nX-Long: " + "v".repeat(40) + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-T: done\r\n\r\n";
        server.enqueue(ServerResponse.ok("x").raw(response).throttle(1, Duration.ofMillis(1)));
        Transport t = courier.transport();
        Response r = get(t, server, "/slow");
        assertThat(r.headers().first("X-Long")).hasSize(40);
        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("abcde");
        assertThat(r.trailers().toCompletableFuture().get(10, SECONDS).first("X-T")).isEqualTo("done");
        assertNextRequestReusesConnection(server, t);
    }

    // ---- helpers ----

    private static Response get(Transport t, TestServer server, String path) throws Exception {
        return t.roundTrip(Request.newBuilder(server.uri(path)).build()).get(10, SECONDS);
    }

    private static void assertNextRequestReusesConnection(TestServer server, Transport t) throws Exception {
        server.takeRequest();
        assertThat(read(t.roundTrip(Request.newBuilder(server.uri("/next")).build()))).isEqualTo("ok");
        RecordedRequest next = server.takeRequest();
        assertThat(next.path()).isEqualTo("/next");
        assertThat(next.connectionIndex()).isZero();
        assertThat(next.exchangeIndex()).isEqualTo(1);
    }

    private static void assertNextRequestUsesNewConnection(TestServer server, Transport t) throws Exception {
        server.takeRequest();
        Await.noConnections(t);
        assertThat(read(t.roundTrip(Request.newBuilder(server.uri("/next")).build()))).isEqualTo("ok");
        RecordedRequest next = server.takeRequest();
        assertThat(next.path()).isEqualTo("/next");
        assertThat(next.connectionIndex()).isEqualTo(1);
        assertThat(next.exchangeIndex()).isZero();
    }
}
