package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Client#sendBlocking}: the response, or the {@link RequestException} itself (not wrapped), and an
 * interrupt that cancels the request and frees its connection. On platform threads here; VirtualThreadsTest
 * runs the same calls on virtual threads on Java 25.
 */
class ClientBlockingTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void returnsTheResponseForABlockingRead() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("blocking"));
        Client client = Client.newBuilder().transport(courier.transport()).build();
        try (Response r = client.sendBlocking(Request.newBuilder(server.uri("/")).build())) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body().inputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("blocking");
        }
    }

    @Test
    void aFailureIsTheRequestExceptionItself() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Client client = Client.newBuilder().transport(courier.transport()).build();
        assertThatThrownBy(() -> client.sendBlocking(Request.newBuilder(URI.create("http://u:pw@127.0.0.1:" + port + "/x")).build()))
                .isInstanceOfSatisfying(RequestException.class, e -> {
                    assertThat(e.phase()).isEqualTo(RequestException.Phase.CONNECT);
                    assertThat(e.url()).isEqualTo("http://u:***@127.0.0.1:" + port + "/x");
                });
    }

    @Test
    void anInterruptCancelsTheRequestAndReleasesItsConnection() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("late").delayHeaders(Duration.ofSeconds(30)));
        Transport t = courier.transport();
        Client client = Client.newBuilder().transport(t).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CompletableFuture<Boolean> interruptStatusAfter = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                client.sendBlocking(Request.newBuilder(server.uri("/slow")).build()).close();
            } catch (Throwable e) {
                thrown.set(e);
            }
            interruptStatusAfter.complete(Thread.currentThread().isInterrupted());
        });
        caller.start();
        server.takeRequest(); // fully received: the exchange awaits the response head
        caller.interrupt();
        assertThat(interruptStatusAfter.get(10, SECONDS)).as("cleared, as Future.get() clears it").isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        // The exchange was aborted: its connection closed, nothing leased. (The test server notices the close only
        // when its delay ends and it writes.)
        Await.noConnections(t);
        assertThat(t.stats().active()).isZero();
    }

    @Test
    void anInterruptBeforeTheCallCancelsAtOnce() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("never read").delayHeaders(Duration.ofSeconds(30)));
        Transport t = courier.transport();
        Client client = Client.newBuilder().transport(t).build();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> client.sendBlocking(Request.newBuilder(server.uri("/")).build()))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        // Nothing leased or waiting; a dial the request started may complete into the pool, idle.
        Await.until(() -> "nothing leased or waiting: " + t.stats(), () -> t.stats().active() == 0 && t.stats().pending() == 0);
    }
}
