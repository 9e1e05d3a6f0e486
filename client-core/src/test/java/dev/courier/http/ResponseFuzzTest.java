package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.LeakDetection;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes the whole HTTP/1.1 response path over loopback: a real {@link Transport} asks a real server, which
 * answers with the fuzzer's bytes and closes the connection. Where {@code Http1ResponseDecoderFuzzTest}
 * checks the decoder alone, this one takes in the exchange, the body stream, decompression (the client asks
 * for gzip), interim responses, upgrades and connection reuse. For every input:
 * <ul>
 *   <li>the call ends, within 30 s, in a response or a {@link RequestException} naming the method and URL
 *       (never another exception, never a hang: the server always closes);
 *   <li>a response is final (never an interim 1xx) with a three-digit status, and its body ends in its bytes or
 *       a {@link RequestException}; a body with a known length has exactly that many bytes (no silent
 *       truncation);
 *   <li>no connection stays leased afterwards (DESIGN invariant 1), and no buffer leaks: the PARANOID leak
 *       detector is polled every {@value #LEAK_CHECK_EVERY} inputs and at the end (a leak found there names
 *       the input that was running, and its access records name the code that leaked).
 * </ul>
 *
 * <p>Input: byte 0 flags (bit 0 HEAD, bit 1 close the response unread), byte 1 unused (so that the seeds of
 * {@code Http1ResponseDecoderFuzzTest} fit), then the response bytes.
 */
class ResponseFuzzTest {
    static final int LEAK_CHECK_EVERY = 500;
    /** Far above any exchange here (they take milliseconds), so that only a hang fails, even on a loaded machine. */
    static final int AWAIT_SECONDS = 30;
    private static TestServer server;
    private static Transport transport;
    private static int runs;

    /** On the first input: Jazzer's agent (which BugDetectors needs) is only installed once a fuzz test runs. */
    private static void start() {
        // Only loopback: Jazzer's SSRF detector would flag any other connection (there is none to make).
        BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
        server = TestServer.start(InetAddress.getLoopbackAddress());
        transport = Transport.newBuilder().eventLoopThreads(1).maxResponseHeaderBytes(16 * 1024).build();
        // Warm up: the first exchanges load (and Jazzer instruments) a hundred classes, which on a loaded machine
        // takes longer than the bound below is meant to allow for a response.
        server.dispatcher(request -> ServerResponse.ok("warm up").gzip());
        for (int i = 0; i < 2; i++) {
            try {
                transport.roundTrip(Request.newBuilder(server.uri("/warm-up")).build()).get(2, TimeUnit.MINUTES).body().text().get(1, TimeUnit.MINUTES);
            } catch (ExecutionException | InterruptedException | TimeoutException e) {
                throw new AssertionError("the warm-up exchange failed", e);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (transport != null) {
            transport.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @FuzzTest
    void anyResponse(byte[] data) throws Exception {
        if (server == null) {
            start();
        }
        boolean head = data.length > 0 && (data[0] & 1) != 0;
        boolean closeUnread = data.length > 0 && (data[0] & 2) != 0;
        byte[] bytes = Arrays.copyOfRange(data, Math.min(2, data.length), data.length);
        server.dispatcher(request -> ServerResponse.status(200).raw(bytes).closeConnection());
        String method = head ? "HEAD" : "GET";
        Request request = Request.newBuilder(server.uri("/fuzz")).method(method).build();
        Response response = await(transport.roundTrip(request), request, "the response");
        if (response != null) {
            checkResponse(response, request, head, closeUnread);
        }
        TransportStats stats = Await.noActiveConnections(transport);
        assertThat(stats.active()).as("connections leased after the exchange: %s", stats).isZero();
        if (++runs % LEAK_CHECK_EVERY == 0) {
            LeakDetection.assertNoLeaks();
        }
    }

    private static void checkResponse(Response r, Request request, boolean head, boolean closeUnread) throws Exception {
        assertThat(r.status()).isBetween(100, 999); // three digits, as Go takes them (RFC 9110 15: 100-599 defined)
        if (r.status() == 101) {
            r.upgradedConnection().ifPresent(UpgradedConnection::close);
            r.close();
            return;
        }
        assertThat(r.status()).as("an interim response returned as the final one").isGreaterThanOrEqualTo(200);
        r.headers().map(); // the fields become Headers without an exception, whatever the server sent
        if (closeUnread) {
            r.close();
            return;
        }
        long declared = r.body().contentLength();
        byte[] body = await(r.body().bytes(), request, "the body");
        if (body != null && declared >= 0) {
            assertThat(body.length).as("body length against its declared length %s", declared).isEqualTo(declared);
        }
        if (body != null && (head || r.status() == 204 || r.status() == 304)) {
            assertThat(body).as("the body of a response that has none").isEmpty();
        }
    }

    /** The value of {@code f}, or null when it failed with a RequestException naming the request. */
    private static <T> T await(CompletableFuture<T> f, Request request, String what) throws Exception {
        try {
            return f.get(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " neither came nor failed in " + AWAIT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RequestException)) {
                throw new AssertionError(what + " failed with an untyped exception", e.getCause());
            }
            RequestException re = (RequestException) e.getCause();
            assertThat(re.method()).isEqualTo(request.method());
            assertThat(re.url()).isEqualTo(request.uri().toString());
            assertThat(re.phase()).isNotNull();
            return null;
        }
    }
}
