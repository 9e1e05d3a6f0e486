package dev.courier.http.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import static dev.courier.http.testing.TestServerTest.connect;
import static dev.courier.http.testing.TestServerTest.readHead;
import static dev.courier.http.testing.TestServerTest.readResponse;
import static dev.courier.http.testing.TestServerTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests the less common scripts and faults of {@link TestServer} over plain sockets.
 */
@ExtendWith(NettyLeakExtension.class)
class TestServerFaultsTest {

    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    private TestServer server;

    @BeforeEach
    void startServer() {
        server = TestServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void informationalResponsesPrecedeTheFinalOne() throws Exception {
        server.enqueue(ServerResponse.ok("done").informational(103, 2));
        try (Socket socket = connect(server)) {
            send(socket, GET);
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 103 Early Hints\r\nLink: ");
            assertThat(readHead(in)).startsWith("HTTP/1.1 103 Early Hints");
            assertThat(readResponse(in).bodyText()).isEqualTo("done");
        }
    }

    @Test
    void endlessInformationalNeverSendsAFinalResponse() throws Exception {
        server.enqueue(ServerResponse.status(200).endlessInformational(102));
        try (Socket socket = connect(server)) {
            send(socket, GET);
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 5; i++) {
                assertThat(readHead(in)).isEqualTo("HTTP/1.1 102 Processing");
            }
        }
        Await.serverConnections(server, 0);
    }

    @Test
    void delayBodyAndThrottleStillDeliverTheWholeBody() throws Exception {
        server.enqueue(ServerResponse.ok("0123456789").delayBody(Duration.ofMillis(50))
                .throttle(3, Duration.ofMillis(5)));
        try (Socket socket = connect(server)) {
            send(socket, GET);
            long start = System.nanoTime();
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("0123456789");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(60));
        }
    }

    @Test
    void hugeHeadersAndKeepAliveTimeout() throws Exception {
        server.enqueue(ServerResponse.ok("x").hugeHeaders(100_000).keepAliveTimeout(5));
        try (Socket socket = connect(server)) {
            send(socket, GET);
            TestServerTest.Response response = readResponse(socket.getInputStream());
            assertThat(response.head().length()).isBetween(100_000, 101_000);
            assertThat(response.header("Keep-Alive")).isEqualTo("timeout=5");
            assertThat(response.bodyText()).isEqualTo("x");
        }
    }

    @Test
    void badChunkHasANonHexSizeLine() throws Exception {
        server.enqueue(ServerResponse.status(200).body("abcdef").badChunk());
        try (Socket socket = connect(server)) {
            send(socket, GET);
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).contains("Transfer-Encoding: chunked");
            String expected = "3\r\nabc\r\nzz\r\ndef\r\n0\r\n\r\n";
            assertThat(new String(in.readNBytes(expected.length()), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        }
    }

    @Test
    void rawBytesAreWrittenAsIs() throws Exception {
        String raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi";
        server.enqueue(ServerResponse.status(200).raw(raw).closeConnection());
        try (Socket socket = connect(server)) {
            send(socket, GET);
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(raw);
        }
    }

    @Test
    void noResponseKeepsTheConnectionOpenAndSilent() throws Exception {
        server.enqueue(ServerResponse.status(200).noResponse());
        try (Socket socket = connect(server)) {
            socket.setSoTimeout(200);
            send(socket, GET);
            assertThat(server.takeRequest().target()).isEqualTo("/");
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            server.closeIdleConnections();
            assertThat(server.openConnections()).isEqualTo(1);
        }
        Await.serverConnections(server, 0);
    }

    @Test
    void streamBodyStopsWhenTheClientStopsReading() throws Exception {
        long total = 512L * 1024 * 1024;
        server.enqueue(ServerResponse.status(200).streamBody(total));
        try (Socket socket = connect(server)) {
            socket.setReceiveBufferSize(64 * 1024);
            send(socket, GET);
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).contains("Content-Length: " + total);
            byte[] first = in.readNBytes(1000);
            for (int i = 0; i < first.length; i++) {
                assertThat(first[i]).isEqualTo((byte) (i % 251));
            }
            long plateau = awaitStableBodyBytes();
            assertThat(plateau).isLessThan(64L * 1024 * 1024);
            in.readNBytes(4 * 1024 * 1024);
            assertThat(awaitStableBodyBytes()).isGreaterThan(plateau);
        }
    }

    @Test
    void streamBodyChunkedEndsWithTheLastChunk() throws Exception {
        server.enqueue(ServerResponse.status(200).streamBodyChunked(40_000));
        try (Socket socket = connect(server)) {
            send(socket, GET);
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).contains("Transfer-Encoding: chunked");
            long received = 0;
            for (String size; !(size = readLine(in)).equals("0"); ) {
                int n = Integer.parseInt(size, 16);
                received += in.readNBytes(n).length;
                assertThat(readLine(in)).isEmpty();
            }
            assertThat(readLine(in)).isEmpty();
            assertThat(received).isEqualTo(40_000);
        }
        assertThat(server.bodyBytesWritten()).isEqualTo(40_000);
    }

    @Test
    void expectContinueIgnoreWaitsForTheBody() throws Exception {
        server.enqueue(ServerResponse.ok("late").expectContinue(ExpectMode.IGNORE));
        try (Socket socket = connect(server)) {
            socket.setSoTimeout(200);
            send(socket, "PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            socket.setSoTimeout(10_000);
            send(socket, "hi");
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("late");
        }
        assertThat(server.takeRequest().bodyText()).isEqualTo("hi");
    }

    @Test
    void upgradeSwitchesToEcho() throws Exception {
        server.enqueue(ServerResponse.status(200).upgrade());
        try (Socket socket = connect(server)) {
            send(socket, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n");
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols").contains("Upgrade: echo");
            send(socket, "not http at all\r\n\r\n");
            assertThat(new String(in.readNBytes(19), StandardCharsets.ISO_8859_1)).isEqualTo("not http at all\r\n\r\n");
            server.closeIdleConnections();
            assertThat(server.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void echoBodyAndDeflateAndHead() throws Exception {
        server.enqueue(ServerResponse.status(200).echoBody());
        server.enqueue(ServerResponse.ok("squeeze me ".repeat(20)).deflate());
        server.enqueue(ServerResponse.ok("not sent"));
        try (Socket socket = connect(server)) {
            InputStream in = socket.getInputStream();
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping");
            assertThat(readResponse(in).bodyText()).isEqualTo("ping");
            send(socket, GET);
            TestServerTest.Response deflated = readResponse(in);
            assertThat(deflated.header("Content-Encoding")).isEqualTo("deflate");
            try (InputStream z = new InflaterInputStream(new ByteArrayInputStream(deflated.body()))) {
                assertThat(new String(z.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("squeeze me ".repeat(20));
            }
            send(socket, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readHead(in)).contains("Content-Length: 8");
            send(socket, GET);
            assertThat(readResponse(in).bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void gzipBombIsSmallOnTheWire() throws Exception {
        server.enqueue(ServerResponse.status(200).gzipBomb(50L * 1024 * 1024));
        try (Socket socket = connect(server)) {
            send(socket, GET);
            TestServerTest.Response response = readResponse(socket.getInputStream());
            assertThat(response.body().length).isLessThan(200_000);
            try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
                assertThat(gz.transferTo(OutputStream.nullOutputStream())).isEqualTo(50L * 1024 * 1024);
            }
        }
    }

    @Test
    void contentLengthLieAndNoContentLength() throws Exception {
        server.enqueue(ServerResponse.ok("abc").contentLength(10).closeConnection());
        try (Socket socket = connect(server)) {
            send(socket, GET);
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).contains("Content-Length: 10").doesNotContain("Content-Length: 3");
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abc");
        }
        server.enqueue(ServerResponse.ok("until close").noContentLength());
        try (Socket socket = connect(server)) {
            send(socket, GET);
            InputStream in = socket.getInputStream();
            assertThat(readHead(in)).doesNotContain("Content-Length").doesNotContain("Transfer-Encoding");
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("until close");
        }
    }

    @Test
    void malformedRequestGets400AndIsNotRecorded() throws Exception {
        try (Socket socket = connect(server)) {
            send(socket, "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n");
            assertThat(readResponse(socket.getInputStream()).statusLine()).isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(100))).isInstanceOf(AssertionError.class);
    }

    @Test
    void halfClosedClientStillGetsItsResponse() throws Exception {
        server.enqueue(ServerResponse.ok("after half close").delayHeaders(Duration.ofMillis(50)));
        try (Socket socket = connect(server)) {
            send(socket, GET);
            socket.shutdownOutput();
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("after half close");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void bodyIsCappedAt16MiBButCounted() throws Exception {
        long size = RecordedRequest.MAX_BODY_BYTES + 1000L;
        try (Socket socket = connect(server)) {
            send(socket, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n");
            byte[] block = new byte[64 * 1024];
            for (long left = size; left > 0; left -= block.length) {
                socket.getOutputStream().write(block, 0, (int) Math.min(block.length, left));
            }
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("ok");
        }
        RecordedRequest request = server.takeRequest();
        assertThat(request.bodySize()).isEqualTo(size);
        assertThat(request.body()).hasSize(RecordedRequest.MAX_BODY_BYTES);
    }

    @Test
    void bindsToIpv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (TestServer v6Server = TestServer.start(v6); Socket socket = connect(v6Server)) {
            assertThat(v6Server.uri("/a").toString()).startsWith("http://[").endsWith("]:" + v6Server.port() + "/a");
            send(socket, GET);
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("ok");
        }
    }

    private long awaitStableBodyBytes() throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 200; i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // sampling a rate, not waiting for an event
            long now = server.bodyBytesWritten();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("body bytes never settled: " + last);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new java.io.EOFException(sb.toString());
            }
            sb.append((char) b);
        }
        return sb.toString().stripTrailing();
    }
}
