package dev.courier.http.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests the {@link TestServer} fixture itself over plain sockets, and the {@link NettyLeakExtension} check.
 */
@ExtendWith(NettyLeakExtension.class)
class TestServerTest {

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
    void answersWithTheEnqueuedResponseAndRecordsTheRequest() throws Exception {
        server.enqueue(ServerResponse.status(201).header("X-Test", "yes").body("hello"));
        try (Socket socket = connect(server)) {
            send(socket, "GET /path?q=1 HTTP/1.1\r\nHost: example\r\nX-Multi: a\r\nX-Multi: b\r\n\r\n");
            Response response = readResponse(socket.getInputStream());
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 201 Created");
            assertThat(response.header("X-Test")).isEqualTo("yes");
            assertThat(response.header("Content-Length")).isEqualTo("5");
            assertThat(response.bodyText()).isEqualTo("hello");
        }
        RecordedRequest request = server.takeRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.target()).isEqualTo("/path?q=1");
        assertThat(request.path()).isEqualTo("/path");
        assertThat(request.version()).isEqualTo("HTTP/1.1");
        assertThat(request.header("host")).isEqualTo("example");
        assertThat(request.headers("x-multi")).containsExactly("a", "b");
        assertThat(request.header("Missing")).isNull();
        assertThat(request.bodySize()).isZero();
        assertThat(request.connectionIndex()).isZero();
        assertThat(request.exchangeIndex()).isZero();
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.bodyBytesWritten()).isEqualTo(5);
        assertThat(server.uri("/x?y=1").toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/x?y=1");
    }

    @Test
    void withRecordingOffRequestsAreAnsweredAndCountedButNotKept() throws Exception {
        server.recording(false);
        server.dispatcher(r -> ServerResponse.ok("to " + r.path()));
        try (Socket socket = connect(server)) {
            send(socket, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("to /a");
        }
        assertThat(server.recording()).isFalse();
        assertThat(server.requestCount()).isEqualTo(1);
        assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(50))).isInstanceOf(AssertionError.class);

        server.recording(true);
        try (Socket socket = connect(server)) {
            send(socket, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("to /b");
        }
        assertThat(server.takeRequest().path()).isEqualTo("/b");
    }

    @Test
    void defaultDispatcherAndCustomDispatcher() throws Exception {
        try (Socket socket = connect(server)) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            Response response = readResponse(socket.getInputStream());
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(response.header("Content-Type")).isEqualTo("text/plain");
            assertThat(response.bodyText()).isEqualTo("ok");

            server.dispatcher(r -> ServerResponse.status(404).body("no " + r.target()));
            send(socket, "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
            Response second = readResponse(socket.getInputStream());
            assertThat(second.statusLine()).isEqualTo("HTTP/1.1 404 Not Found");
            assertThat(second.bodyText()).isEqualTo("no /nothing");
        }
    }

    @Test
    void twoRequestsOnOneConnectionShareTheConnectionIndex() throws Exception {
        server.enqueue(ServerResponse.ok("first"));
        server.enqueue(ServerResponse.ok("second"));
        try (Socket socket = connect(server)) {
            send(socket, "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("first");
            send(socket, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("second");
        }
        RecordedRequest first = server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertThat(first.bodyText()).isEqualTo("abc");
        assertThat(first.exchangeIndex()).isZero();
        assertThat(second.exchangeIndex()).isEqualTo(1);
        assertThat(second.connectionIndex()).isEqualTo(first.connectionIndex()).isZero();
        assertThat(server.connectionCount()).isEqualTo(1);

        try (Socket other = connect(server)) {
            send(other, "GET /c HTTP/1.1\r\nHost: x\r\n\r\n");
            readResponse(other.getInputStream());
        }
        RecordedRequest third = server.takeRequest();
        assertThat(third.connectionIndex()).isEqualTo(1);
        assertThat(third.exchangeIndex()).isZero();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        server.enqueue(ServerResponse.ok("slow").delayHeaders(Duration.ofMillis(100)));
        server.enqueue(ServerResponse.ok("fast"));
        try (Socket socket = connect(server)) {
            send(socket, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("slow");
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("fast");
        }
        assertThat(server.takeRequest().exchangeIndex()).isZero();
        assertThat(server.takeRequest().exchangeIndex()).isEqualTo(1);
    }

    @Test
    void chunkedResponseWithTrailersIsFramedOnTheWire() throws Exception {
        server.enqueue(ServerResponse.status(200).body("hello world").chunked(4).trailer("X-Checksum", "42"));
        try (Socket socket = connect(server)) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            String expected = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4\r\nhell\r\n4\r\no wo\r\n3\r\nrld\r\n0\r\nX-Checksum: 42\r\n\r\n";
            byte[] wire = socket.getInputStream().readNBytes(expected.length());
            assertThat(new String(wire, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        }
        assertThat(server.bodyBytesWritten()).isEqualTo(11);
    }

    @Test
    void chunkedRequestBodyAndTrailersAreRecorded() throws Exception {
        try (Socket socket = connect(server)) {
            send(socket, "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n");
            assertThat(readResponse(socket.getInputStream()).bodyText()).isEqualTo("ok");
        }
        RecordedRequest request = server.takeRequest();
        assertThat(request.chunked()).isTrue();
        assertThat(request.bodyText()).isEqualTo("abcde");
        assertThat(request.bodySize()).isEqualTo(5);
        assertThat(request.trailer("x-trailer")).isEqualTo("t");
    }

    @Test
    void closeAfterBytesWritesAPrefixThenFin() throws Exception {
        server.enqueue(ServerResponse.ok("hello world").closeAfterBytes(20));
        try (Socket socket = connect(server)) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            byte[] received = socket.getInputStream().readAllBytes();
            assertThat(new String(received, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200 OK\r\nCon");
        }
    }

    @Test
    void closeAfterBytesCanCutTheBody() throws Exception {
        server.enqueue(ServerResponse.status(200).body("0123456789").closeAfterBytes(
                "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n".length() + 4));
        try (Socket socket = connect(server)) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            String received = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(received).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123");
        }
        assertThat(server.bodyBytesWritten()).isEqualTo(4);
    }

    @Test
    void resetAfterBytesAbortsWithConnectionReset() throws Exception {
        server.enqueue(ServerResponse.ok("x".repeat(100_000)).resetAfterBytes(30));
        try (Socket socket = connect(server)) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            assertThatThrownBy(() -> {
                byte[] buf = new byte[1024];
                for (int n; (n = in.read(buf)) != -1; ) {
                    received.write(buf, 0, n);
                }
            }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(received.size()).isLessThanOrEqualTo(30);
        }
    }

    @Test
    void gzipBodyDecodesWithGzipInputStream() throws Exception {
        String text = "hello gzip ".repeat(100);
        server.enqueue(ServerResponse.ok(text).gzip());
        try (Socket socket = connect(server)) {
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            Response response = readResponse(socket.getInputStream());
            assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(response.body().length).isLessThan(text.length());
            try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
                assertThat(new String(gz.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(text);
            }
        }
    }

    @Test
    void expectContinueSend100ThenReadsTheBody() throws Exception {
        server.enqueue(ServerResponse.ok("got it").expectContinue(ExpectMode.SEND_100));
        try (Socket socket = connect(server)) {
            InputStream in = socket.getInputStream();
            send(socket, "PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            String interim = "HTTP/1.1 100 Continue\r\n\r\n";
            assertThat(new String(in.readNBytes(interim.length()), StandardCharsets.ISO_8859_1)).isEqualTo(interim);
            assertThat(server.requestCount()).isEqualTo(1);
            send(socket, "hello");
            Response response = readResponse(in);
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(response.bodyText()).isEqualTo("got it");
        }
        RecordedRequest request = server.takeRequest();
        assertThat(request.bodyText()).isEqualTo("hello");
        assertThat(request.header("Expect")).isEqualTo("100-continue");
    }

    @Test
    void expectContinueFinalWithout100SkipsTheBodyAndCloses() throws Exception {
        server.enqueue(ServerResponse.status(413).body("too big").expectContinue(ExpectMode.FINAL_WITHOUT_100));
        try (Socket socket = connect(server)) {
            InputStream in = socket.getInputStream();
            send(socket, "PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            Response response = readResponse(in);
            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(in.read()).isEqualTo(-1);
        }
        RecordedRequest request = server.takeRequest();
        assertThat(request.bodySize()).isZero();
    }

    @Test
    void closeIdleConnectionsClosesOnlyIdleOnes() throws Exception {
        try (Socket idle = connect(server); Socket busy = connect(server)) {
            send(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            readResponse(idle.getInputStream());
            send(busy, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
            Await.until("the server received both requests", () -> server.requestCount() >= 2);
            assertThat(server.requestCount()).isEqualTo(2);
            assertThat(server.openConnections()).isEqualTo(2);

            server.closeIdleConnections();

            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat(server.openConnections()).isEqualTo(1);
            send(busy, "cd");
            assertThat(readResponse(busy.getInputStream()).bodyText()).isEqualTo("ok");
        }
        server.takeRequest();
        assertThat(server.takeRequest().bodyText()).isEqualTo("abcd");
        server.closeAllConnections();
        assertThat(server.openConnections()).isZero();
    }

    @Test
    void leakCheckFailsOnALeakedBufferAndPassesWithoutOne() {
        NettyLeakExtension extension = new NettyLeakExtension();
        extension.check(); // nothing leaked so far
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            leakABuffer();
            AssertionError failure = null;
            for (int attempt = 0; attempt < 10 && failure == null; attempt++) {
                try {
                    extension.check();
                } catch (AssertionError e) {
                    failure = e;
                }
            }
            assertThat(failure).as("leak reported").isNotNull();
            assertThat(failure.getMessage()).contains("LEAK").contains("deliberate-leak");
            extension.check(); // the report was consumed
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void leakABuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.heapBuffer(16); // unpooled heap buffers are not tracked
        leaked.touch("deliberate-leak-" + System.nanoTime());
        leaked.writeInt(42);
    }

    // ---- raw HTTP helpers ----

    static Socket connect(TestServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server.address(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Reads a status line and headers up to the empty line. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF inside response head: " + sb);
            }
            sb.append((char) b);
        }
        return sb.substring(0, sb.length() - 4);
    }

    /** Reads one response whose body is delimited by Content-Length (or absent). */
    static Response readResponse(InputStream in) throws IOException {
        Response head = new Response(readHead(in), new byte[0]);
        String length = head.header("Content-Length");
        byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        return new Response(head.head(), body);
    }

    /** A response as read off the wire. */
    record Response(String head, byte[] body) {
        String statusLine() {
            return head.split("\r\n", 2)[0];
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
