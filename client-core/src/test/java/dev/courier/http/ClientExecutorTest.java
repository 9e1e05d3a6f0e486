package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Client.Builder.executor moves completions off the event loop, and cancellation still reaches the exchange. */
class ClientExecutorTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "caller-pool"));

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void completesOnTheGivenExecutor() throws Exception {
        TestServer server = courier.server();
        Client c = Client.newBuilder().transport(courier.transport()).executor(executor).build();
        AtomicReference<String> thread = new AtomicReference<>();
        // The executor is held until the continuation is attached: a continuation attached to a future that
        // completed already would run on the attaching thread instead, whatever the executor.
        CountDownLatch attached = new CountDownLatch(1);
        executor.execute(() -> {
            try {
                attached.await(10, SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<String> text = c.get(server.uri("/x").toString())
                .thenCompose(r -> {
                    thread.set(Thread.currentThread().getName());
                    return r.body().text();
                });
        attached.countDown();
        String body = text.get(10, SECONDS);
        assertThat(body).isEqualTo("ok");
        assertThat(thread.get()).isEqualTo("caller-pool");
    }

    @Test
    void cancellingTheMovedFutureAbortsTheExchange() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("late").delayHeaders(Duration.ofSeconds(2)));
        Transport t = courier.transport();
        Client c = Client.newBuilder().transport(t).executor(executor).build();
        CompletableFuture<Response> f = c.get(server.uri("/slow").toString());
        server.takeRequest();
        assertThat(f.cancel(true)).isTrue();
        Await.until("the connection of the cancelled exchange is closed", () -> t.stats().total() == 0);
    }
}
