package dev.courier.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.ChunkFeed;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ItemSubscriber;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ResponseBody#lines()}: BufferedReader's line rule over real bodies, the charset, the line cap,
 * backpressure (one line wanted, a bounded read) and cancellation releasing the connection.
 */
class LinesTest {
    /** Loopback socket buffers plus one read stay far below this (as in BackpressureTest). */
    private static final long STALL_BOUND = 16L << 20;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private List<String> linesOf(ServerResponse response) throws Exception {
        TestServer server = courier.server();
        server.enqueue(response);
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/lines")).build()).get(10, SECONDS);
        return ItemSubscriber.all(r.body().lines());
    }

    private static List<String> bufferedReader(String text) throws Exception {
        List<String> lines = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new StringReader(text));
        for (String line; (line = reader.readLine()) != null; ) {
            lines.add(line);
        }
        return lines;
    }

    /** The same lines as BufferedReader.readLine for each body, sent whole and in 3-byte chunks. */
    @ParameterizedTest
    @ValueSource(strings = {"a\nb\r\nc\rd", "a\n", "a", "", "\n", "\n\n", "a\r", "a\r\n\r\nb\n", "\r\r\n\n", "x\ry\r\n", "é\nü€\r\n𝄞"})
    void splitsAsBufferedReaderDoes(String body) throws Exception {
        List<String> expected = bufferedReader(body);
        assertThat(linesOf(ServerResponse.ok(body))).as("whole").isEqualTo(expected);
        if (!body.isEmpty()) {
            assertThat(linesOf(ServerResponse.ok(body).chunked(3))).as("in 3-byte chunks").isEqualTo(expected);
        }
    }

    /** A CR ending one read and an LF starting the next are one terminator; a character split across reads is whole. */
    @Test
    void aCrLfAndAUtf8CharacterSplitAcrossReadsStayWhole() throws Exception {
        TestServer server = courier.server();
        ChunkFeed feed = new ChunkFeed();
        server.enqueue(ServerResponse.ok("").feed(feed));
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/feed")).build()).get(10, SECONDS);
        ItemSubscriber<String> sub = new ItemSubscriber<>(Long.MAX_VALUE);
        r.body().lines().subscribe(sub);

        byte[] euro = "€".getBytes(UTF_8);
        feed.send("one\r");
        assertThat(sub.next()).isEqualTo("one");
        feed.send("\ntwo ").send(new byte[] {euro[0]}).send(new byte[] {euro[1], euro[2]}).send("\nlast");
        assertThat(sub.next()).isEqualTo("two €");
        feed.end();
        sub.done.get(10, SECONDS);
        assertThat(sub.items).containsExactly("last");
    }

    @Test
    void decodesInTheCharsetOfTheContentType() throws Exception {
        Charset latin1 = StandardCharsets.ISO_8859_1;
        assertThat(linesOf(ServerResponse.status(200).header("Content-Type", "text/plain; charset=ISO-8859-1")
                .body("café\nna\u00efve".getBytes(latin1)))).containsExactly("café", "naïve");
        assertThat(linesOf(ServerResponse.status(200).header("Content-Type", "text/plain; charset=UTF-16BE")
                .body("α\r\nβ".getBytes(StandardCharsets.UTF_16BE)).chunked(3))).containsExactly("α", "β");
        assertThat(linesOf(ServerResponse.status(200).body(new byte[] {'a', (byte) 0xff, '\n'})))
                .as("malformed UTF-8 becomes U+FFFD").containsExactly("a\uFFFD");
    }

    @Test
    void aLineOverTheLimitFailsTypedAndReleasesTheConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.ok("short\n" + "x".repeat(100) + "\nnever\n"));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/long")).build()).get(10, SECONDS);
        ItemSubscriber<String> sub = new ItemSubscriber<>(Long.MAX_VALUE);

        r.body().lines(UTF_8, 99).subscribe(sub);

        Throwable failure = catchThrowable(() -> sub.done.get(10, SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class);
        RequestException e = (RequestException) failure.getCause();
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        assertThat(e.getMessage()).startsWith("GET " + server.uri("/long") + ": reading response body: ")
                .contains("longer than 99 chars");
        assertThat(e.getCause()).isInstanceOfSatisfying(BodyLimitException.class, limit -> {
            assertThat(limit.limit()).isEqualTo(BodyLimitException.Limit.LINE_LENGTH);
            assertThat(limit.max()).isEqualTo(99);
        });
        assertThat(sub.items).containsExactly("short");
        Await.noActiveConnections(t);
    }

    /**
     * A subscriber that wants one line gets one, and the server stalls at a bounded offset of a 1 GiB body
     * (its pattern has a LF every 251 bytes); cancelling then closes the connection.
     */
    @Test
    void oneLineWantedReadsABoundedAmountAndCancelReleasesTheConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(200).streamBody(1L << 30));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/huge")).build()).get(10, SECONDS);
        ItemSubscriber<String> sub = new ItemSubscriber<>(1);

        r.body().lines(StandardCharsets.ISO_8859_1, 1024).subscribe(sub); // one char per byte of the pattern

        assertThat(sub.next()).hasSize(10); // bytes 0..9 of the pattern, then byte 10 is the LF
        long stalledAt = awaitServerStall(server);
        assertThat(stalledAt).as("body bytes written while the client wanted one line").isLessThan(STALL_BOUND);
        assertThat(sub.items).as("lines beyond the demand of 1").isEmpty();
        assertThat(t.stats().active()).as("the paused body keeps its connection").isEqualTo(1);

        sub.subscription().request(2);
        assertThat(sub.next()).as("bytes 11 and 12, before the CR at 13").hasSize(2);
        assertThat(sub.next()).hasSize(251 - 14 + 10);

        sub.subscription().cancel();
        Await.connectionsClosed(t, server);
        assertThat(t.stats().active()).isZero();
        assertThat(sub.done).as("a cancelled subscriber gets no terminal signal").isNotDone();
    }

    @Test
    void aSlowReaderGetsEveryLineAndTheConnectionIsReused() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            body.append("line ").append(i).append('\n');
        }
        server.enqueue(ServerResponse.ok(body.toString()).chunked(777));
        server.enqueue(ServerResponse.ok("next"));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/many")).build()).get(10, SECONDS);
        ItemSubscriber<String> sub = new ItemSubscriber<>(0);
        r.body().lines().subscribe(sub);

        for (int i = 0; i < 5000; i++) {
            sub.subscription().request(1);
            assertThat(sub.next()).isEqualTo("line " + i);
        }
        sub.subscription().request(1);
        sub.done.get(10, SECONDS);

        Await.idleConnections(t, 1);
        assertThat(t.roundTrip(Request.newBuilder(server.uri("/next")).build()).get(10, SECONDS).body().text().get(10, SECONDS))
                .isEqualTo("next");
        server.takeRequest();
        assertThat(server.takeRequest().connectionIndex()).as("the same connection").isZero();
    }

    /** Polls the server's byte count until it stops moving for 300 ms (BackpressureTest's method). */
    static long awaitServerStall(TestServer server) {
        long deadline = System.nanoTime() + SECONDS.toNanos(20);
        long last = server.bodyBytesWritten();
        long lastChange = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(MILLISECONDS.toNanos(50));
            long now = server.bodyBytesWritten();
            assertThat(now).as("body bytes written while the client waits").isLessThan(STALL_BOUND);
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange >= MILLISECONDS.toNanos(300)) {
                return now;
            }
        }
        throw new AssertionError("the server kept writing for 20 s: " + last);
    }
}
