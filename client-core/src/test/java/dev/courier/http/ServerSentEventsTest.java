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
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ResponseBody#events()}: WHATWG HTML's event stream rules, table-driven over real bodies (whole,
 * and one byte per chunk), then a stream served slowly: backpressure, the size cap, and cancellation.
 */
class ServerSentEventsTest {
    private static final long STALL_BOUND = 16L << 20;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static ServerSentEvent msg(String data, String id) {
        return new ServerSentEvent("message", data, id, null);
    }

    /** Each stream and the events the WHATWG algorithm dispatches for it. */
    static Stream<Arguments> streams() {
        return Stream.of(
                // The examples of WHATWG HTML 9.2.6.
                Arguments.of("data: YHOO\ndata: +2\ndata: 10\n\n", List.of(msg("YHOO\n+2\n10", ""))),
                Arguments.of(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n",
                        List.of(msg("first event", "1"), msg("second event", ""), msg(" third event", ""))),
                Arguments.of("data\n\ndata\ndata\n\ndata:", List.of(msg("", ""), msg("\n", ""))),
                Arguments.of("data:test\n\ndata: test\n\n", List.of(msg("test", ""), msg("test", ""))),
                // Line endings: CR LF and a lone CR end lines as LF does.
                Arguments.of("data: a\r\n\r\ndata: b\r\rdata: c\n\n", List.of(msg("a", ""), msg("b", ""), msg("c", ""))),
                // One BOM at the start is dropped; a second one makes the first field name "\uFEFFdata", ignored.
                Arguments.of("\uFEFFdata: x\n\n", List.of(msg("x", ""))),
                Arguments.of("\uFEFF\uFEFFdata: x\n\ndata: y\n\n", List.of(msg("y", ""))),
                // The type applies to one event; the last event ID carries over; an id with NUL is ignored.
                Arguments.of("event: add\ndata: 1\nid: 7\n\ndata: 2\n\nid: 8\u0000x\ndata: 3\n\n",
                        List.of(new ServerSentEvent("add", "1", "7", null), msg("2", "7"), msg("3", "7"))),
                // A block without data dispatches nothing and clears the type, but its id still counts.
                Arguments.of("event: lost\nid: 9\n\ndata: z\n\n", List.of(msg("z", "9"))),
                // retry: ASCII digits only, else ignored; it carries over.
                Arguments.of("retry: 1500\ndata: a\n\nretry: x15\ndata: b\n\nretry:\nretry: 2 0\ndata: c\n\n",
                        List.of(new ServerSentEvent("message", "a", "", Duration.ofMillis(1500)),
                                new ServerSentEvent("message", "b", "", Duration.ofMillis(1500)),
                                new ServerSentEvent("message", "c", "", Duration.ofMillis(1500)))),
                // Comments, unknown fields, a field without a colon, only one leading space removed.
                Arguments.of(":ping\nfoo: bar\ndata\ndata:   spaced\n\n", List.of(msg("\n  spaced", ""))),
                // At the end of the body an incomplete event is discarded, terminated or not.
                Arguments.of("data: a\n\ndata: b\n", List.of(msg("a", ""))),
                Arguments.of("data: a\n\ndata: b", List.of(msg("a", ""))),
                Arguments.of("data: é€𝄞\n\n", List.of(msg("é€𝄞", ""))));
    }

    @ParameterizedTest
    @MethodSource("streams")
    void parsesAsTheWhatwgAlgorithm(String stream, List<ServerSentEvent> expected) throws Exception {
        assertThat(eventsOf(ServerResponse.ok(stream))).as("whole").isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("streams")
    void parsesTheSameWhenEveryByteIsAChunk(String stream, List<ServerSentEvent> expected) throws Exception {
        assertThat(eventsOf(ServerResponse.ok(stream).chunked(1))).isEqualTo(expected);
    }

    @Test
    void isUtf8WhateverTheContentTypeSays() throws Exception {
        assertThat(eventsOf(ServerResponse.status(200).header("Content-Type", "text/event-stream; charset=ISO-8859-1")
                .body("data: é\n\n"))).containsExactly(msg("é", ""));
    }

    private List<ServerSentEvent> eventsOf(ServerResponse response) throws Exception {
        TestServer server = courier.server();
        server.enqueue(response);
        Response r = courier.transport().roundTrip(Request.newBuilder(server.uri("/events")).build()).get(10, SECONDS);
        return ItemSubscriber.all(r.body().events());
    }

    /**
     * Events sent one at a time by a streaming server reach the subscriber only as it asks: an event the
     * server sent waits until it is requested, and cancelling closes the connection.
     */
    @Test
    void slowEventsArriveAsRequestedAndCancelClosesTheConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        ChunkFeed feed = new ChunkFeed();
        server.enqueue(ServerResponse.status(200).header("Content-Type", "text/event-stream").feed(feed));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/stream")).header("Accept", "text/event-stream").build())
                .get(10, SECONDS);
        ItemSubscriber<ServerSentEvent> sub = new ItemSubscriber<>(1);
        r.body().events().subscribe(sub);

        feed.send(": connected\n\n").send("id: 1\ndata: one\n");
        assertThat(sub.items.poll(200, MILLISECONDS)).as("no blank line yet: not dispatched").isNull();
        feed.send("\n");
        assertThat(sub.next()).isEqualTo(msg("one", "1"));

        feed.send("id: 2\ndata: two\n\n").send("id: 3\ndata: three\n\n");
        Await.until("the server wrote both events", () -> feed.bytesWritten() > 60);
        assertThat(sub.items.poll(200, MILLISECONDS)).as("an event beyond the demand of 1").isNull();
        sub.subscription().request(1);
        assertThat(sub.next()).isEqualTo(msg("two", "2"));
        sub.subscription().request(1);
        assertThat(sub.next()).isEqualTo(msg("three", "3"));
        assertThat(t.stats().active()).as("the open stream holds its connection").isEqualTo(1);

        sub.subscription().cancel();
        Await.connectionsClosed(t, server);
        assertThat(t.stats().active()).isZero();
        assertThat(sub.done).isNotDone();
        feed.end();
    }

    /** A 48 MiB stream of 1 KiB events: one event wanted, the server stalls at a bounded offset. */
    @Test
    void oneEventWantedReadsABoundedAmount() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        byte[] event = ("data: " + "x".repeat(1016) + "\n\n").getBytes(UTF_8);
        byte[] body = new byte[48 << 20];
        for (int off = 0; off < body.length; off += event.length) {
            System.arraycopy(event, 0, body, off, Math.min(event.length, body.length - off));
        }
        server.enqueue(ServerResponse.status(200).header("Content-Type", "text/event-stream").body(body).chunked(64 * 1024));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/big")).build()).get(10, SECONDS);
        ItemSubscriber<ServerSentEvent> sub = new ItemSubscriber<>(1);

        r.body().events().subscribe(sub);

        assertThat(sub.next().data()).hasSize(1016);
        assertThat(LinesTest.awaitServerStall(server)).isLessThan(STALL_BOUND);
        assertThat(sub.items).isEmpty();
        r.close();
        Await.connectionsClosed(t, server);
        Throwable closed = catchThrowable(() -> sub.done.get(10, SECONDS));
        assertThat(closed).as("Response.close() while reading fails the reader").isInstanceOf(ExecutionException.class);
    }

    @Test
    void anEventOverTheCapFailsTypedAfterTheEventsBeforeIt() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        char[] big = new char[300];
        Arrays.fill(big, 'y');
        server.enqueue(ServerResponse.ok("data: ok\n\n" + ("data: " + new String(big) + "\n").repeat(4) + "\n"));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/cap")).build()).get(10, SECONDS);
        ItemSubscriber<ServerSentEvent> sub = new ItemSubscriber<>(Long.MAX_VALUE);

        r.body().events(1000).subscribe(sub);

        Throwable failure = catchThrowable(() -> sub.done.get(10, SECONDS));
        assertThat(sub.items).containsExactly(msg("ok", ""));
        RequestException e = (RequestException) failure.getCause();
        assertThat(e.phase()).isEqualTo(RequestException.Phase.READ_BODY);
        assertThat(e.getCause()).isInstanceOfSatisfying(BodyLimitException.class,
                l -> assertThat(l.limit()).isEqualTo(BodyLimitException.Limit.EVENT_SIZE));
        Await.noActiveConnections(t);
    }

    /** The caller reconnects with Last-Event-ID from the last event it got: the documented way, shown end to end. */
    @Test
    void reconnectingWithLastEventIdIsTheCallersStep() throws Exception {
        TestServer server = courier.server();
        Client client = Client.newBuilder().transport(courier.transport()).build();
        server.enqueue(ServerResponse.ok("id: 41\ndata: a\n\nid: 42\ndata: b\n\ndata: cut sh"));
        server.enqueue(ServerResponse.ok("id: 43\ndata: c\n\n"));

        List<ServerSentEvent> first = ItemSubscriber.all(client.get(server.uri("/s").toString()).get(10, SECONDS).body().events());
        String lastId = first.get(first.size() - 1).lastEventId();
        List<ServerSentEvent> second = ItemSubscriber.all(client.send(Request.newBuilder(server.uri("/s"))
                .header("Last-Event-ID", lastId).build()).get(10, SECONDS).body().events());

        assertThat(first).extracting(ServerSentEvent::data).containsExactly("a", "b");
        server.takeRequest();
        assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("42");
        assertThat(second).containsExactly(msg("c", "43"));
    }
}
