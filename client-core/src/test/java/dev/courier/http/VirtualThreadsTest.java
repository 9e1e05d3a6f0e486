package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Client#sendBlocking} on virtual threads: many more blocked callers than carrier threads all complete
 * (nothing Courier does while a virtual thread waits holds its carrier), connections stay within the pool's
 * bound, an interrupt cancels, and no virtual thread is pinned inside Courier's code.
 *
 * <p>Tagged {@code java25}: the surefire execution {@code virtual-threads} (this module's pom) runs it on
 * Temurin 25 with two carrier threads ({@code -Djdk.virtualThreadScheduler.parallelism=2}); the default run on
 * Java 17 leaves it out. Compiled for Java 17 like every test here, so virtual threads are made through
 * {@code Executors.newVirtualThreadPerTaskExecutor}, looked up by reflection. On any JVM older than 25 it fails,
 * never skips: CI must not pass without having run it.
 */
@Tag("java25")
class VirtualThreadsTest {
    private static final int CALLERS = 10_000;
    private static final int MAX_CONNS = 32;

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static ExecutorService virtualThreads() throws Exception {
        assertThat(Runtime.version().feature()).as("this test runs on Java 25 (the virtual-threads execution's "
                + "<jvm>, -Dtemurin25.home); it ran on %s", Runtime.version()).isGreaterThanOrEqualTo(25);
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }

    private static boolean isVirtual(Thread t) throws Exception {
        return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
    }

    @Test
    void tenThousandBlockingCallersOnTwoCarriersAllComplete() throws Exception {
        assertThat(System.getProperty("jdk.virtualThreadScheduler.parallelism")).as("two carrier threads").isEqualTo("2");
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("hello " + r.path()));
        Transport t = courier.transport(b -> b.maxConnsPerHost(MAX_CONNS).maxPendingAcquires(CALLERS)
                .pendingAcquireTimeout(Duration.ofMinutes(2)));
        Client client = Client.newBuilder().transport(t).build();
        // Once on this thread first: a virtual thread waiting for another thread's class initialization is still
        // pinned on Java 25 (JEP 491 left that case), which would be no fault of Courier's.
        try (Response warm = client.sendBlocking(Request.newBuilder(server.uri("/warm")).build())) {
            warm.body().inputStream().readAllBytes();
        }

        // Pinning inside Courier's code (a monitor held while parked, a native frame) would show as this event.
        ConcurrentLinkedQueue<String> pinnedInCourier = new ConcurrentLinkedQueue<>();
        AtomicInteger pinned = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(CALLERS);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicReference<Boolean> ranOnVirtualThreads = new AtomicReference<>();
        java.util.concurrent.ConcurrentHashMap<String, Thread> running = new java.util.concurrent.ConcurrentHashMap<>();
        long start = System.nanoTime();
        try (RecordingStream jfr = new RecordingStream()) {
            jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            jfr.onEvent("jdk.VirtualThreadPinned", e -> {
                pinned.incrementAndGet();
                if (mentionsCourier(e)) {
                    pinnedInCourier.add(describe(e));
                }
            });
            jfr.startAsync();
            ExecutorService vts = virtualThreads();
            try {
                for (int i = 0; i < CALLERS; i++) {
                    String path = "/" + i;
                    vts.execute(() -> {
                        running.put(path, Thread.currentThread());
                        try {
                            ranOnVirtualThreads.compareAndSet(null, isVirtual(Thread.currentThread()));
                            try (Response r = client.sendBlocking(Request.newBuilder(server.uri(path)).build())) {
                                String body = new String(r.body().inputStream().readAllBytes(), StandardCharsets.UTF_8);
                                if (body.equals("hello " + path)) {
                                    ok.incrementAndGet();
                                } else {
                                    failures.add(new AssertionError(path + " got " + body));
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        } finally {
                            running.remove(path);
                            done.countDown();
                        }
                    });
                }
                boolean all = done.await(3, java.util.concurrent.TimeUnit.MINUTES);
                assertThat(all).as("all %d callers done within 3 minutes (%d left; %d ok; stats %s); the others: %s",
                        CALLERS, done.getCount(), ok.get(), t.stats(), stacks(running)).isTrue();
                System.out.printf("VirtualThreadsTest: %d blocking requests on virtual threads in %d ms%n", CALLERS,
                        java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } finally {
                vts.shutdownNow();
            }
            // stop() (Java 20) flushes the events recorded so far to the handler, which close() does not.
            RecordingStream.class.getMethod("stop").invoke(jfr);
        }
        assertThat(ranOnVirtualThreads.get()).isTrue();
        assertThat(failures).as("failures (first of %d)", failures.size()).isEmpty();
        assertThat(ok).hasValue(CALLERS);
        assertThat(server.connectionCount()).as("connections the server accepted").isBetween(1, MAX_CONNS);
        assertThat(pinnedInCourier).as("virtual threads pinned in Courier's code (of %d pinned events)", pinned.get())
                .isEmpty();
        Await.noActiveConnections(t);
    }

    @Test
    void anInterruptedVirtualThreadCancelsItsRequest() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("late").delayHeaders(Duration.ofSeconds(30)));
        Transport t = courier.transport();
        Client client = Client.newBuilder().transport(t).build();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        ExecutorService vts = virtualThreads();
        try {
            java.util.concurrent.Future<?> caller = vts.submit(() -> {
                try {
                    client.sendBlocking(Request.newBuilder(server.uri("/slow")).build()).close();
                    thrown.complete(null);
                } catch (Throwable e) {
                    thrown.complete(e);
                }
            });
            server.takeRequest();
            caller.cancel(true); // interrupts the virtual thread
            assertThat(thrown.get(10, SECONDS)).isInstanceOf(InterruptedException.class);
        } finally {
            vts.shutdownNow();
        }
        Await.noConnections(t);
    }

    private static String stacks(java.util.Map<String, Thread> threads) {
        StringBuilder sb = new StringBuilder();
        threads.forEach((path, th) -> {
            sb.append("\n").append(path).append(" ").append(th).append(":");
            for (StackTraceElement f : th.getStackTrace()) {
                sb.append("\n    at ").append(f);
            }
        });
        return sb.toString();
    }

    private static boolean mentionsCourier(RecordedEvent e) {
        return e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                .map(f -> f.getMethod().getType().getName())
                .anyMatch(c -> c.startsWith("dev.courier.http.") && !c.startsWith("dev.courier.http.testing.")
                        && !c.startsWith(VirtualThreadsTest.class.getName()));
    }

    private static String describe(RecordedEvent e) {
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        return frames.stream().limit(12).map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName())
                .collect(Collectors.joining(" < "));
    }
}
