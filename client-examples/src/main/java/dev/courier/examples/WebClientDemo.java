package dev.courier.examples;

import dev.courier.http.Client;
import dev.courier.http.RedirectPolicy;
import dev.courier.http.Transport;
import dev.courier.http.spring.CourierClientHttpConnector;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * {@code courier webclient}: Spring's WebClient sending through Courier (client-spring's
 * {@link CourierClientHttpConnector}) against an embedded server: keep-alive, a streamed upload echoed back,
 * a large download read with bounded demand, a timeout that releases its connection, and a typed error.
 */
final class WebClientDemo {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private WebClientDemo() {
    }

    static void run(PrintStream out) {
        try (TestServer server = TestServer.start(); Transport transport = Transport.newBuilder().build()) {
            // Redirects and cookies are WebClient's business: the Courier client follows none and keeps no jar.
            Client client = Client.newBuilder().transport(transport).redirectPolicy(RedirectPolicy.none()).build();
            WebClient web = WebClient.builder()
                    .clientConnector(new CourierClientHttpConnector(client))
                    .baseUrl(server.uri("").toString())
                    .build();
            out.println("Embedded server at " + server.uri("/") + "; WebClient over " + transport.ioTransport());
            keepAlive(out, server, web, transport);
            streamedUpload(out, server, web);
            boundedDownload(out, server, web);
            timeout(out, server, web, transport);
            refused(out, web);
            out.println();
            out.println("Pool at the end: " + transport.stats());
        }
    }

    private static void keepAlive(PrintStream out, TestServer server, WebClient web, Transport transport) {
        out.println();
        out.println("== 1. Three GETs through WebClient, one connection ==");
        server.dispatcher(req -> ServerResponse.ok("hello " + req.target()).header("X-Served-By", "embedded"));
        for (int i = 1; i <= 3; i++) {
            var entity = web.get().uri("/hello/{n}", i).cookie("visit", Integer.toString(i))
                    .retrieve().toEntity(String.class).block(WAIT);
            var seen = server.takeRequest();
            out.println(entity.getStatusCode() + " \"" + entity.getBody() + "\" X-Served-By=" + entity.getHeaders().getFirst("X-Served-By")
                    + "; server saw Cookie: " + seen.header("Cookie") + " on connection " + seen.connectionIndex());
        }
        out.println("server accepted " + server.connectionCount() + " connection(s); pool: " + transport.stats());
    }

    private static void streamedUpload(PrintStream out, TestServer server, WebClient web) {
        out.println();
        out.println("== 2. A streamed upload (Flux<String>, sent chunked) echoed back ==");
        server.enqueue(ServerResponse.status(200).echoBody());
        Flux<String> lines = Flux.range(1, 5).map(i -> "line " + i + "\n");
        String echoed = web.post().uri("/echo")
                .body(lines, String.class)
                .exchangeToMono(r -> r.bodyToMono(String.class))
                .block(WAIT);
        out.println("echoed: " + echoed.strip().replace("\n", " | ") + "; sent chunked: " + server.takeRequest().chunked());
    }

    private static void boundedDownload(PrintStream out, TestServer server, WebClient web) {
        out.println();
        out.println("== 3. A 64 MiB download read off the event loop, 4 buffers at a time ==");
        long size = 64L << 20;
        long before = server.bodyBytesWritten();
        server.enqueue(ServerResponse.status(200).streamBody(size));
        long[] next = {16L << 20};
        Long total = web.get().uri("/big").retrieve().bodyToFlux(DataBuffer.class)
                // The consumer runs on another thread (it asks the server for its count, a blocking call) and
                // prefetches 4 buffers: Courier reads from the socket only as fast as it consumes them.
                .publishOn(Schedulers.boundedElastic(), 4)
                .map(b -> (long) b.readableByteCount())
                .scan(0L, Long::sum)
                .doOnNext(received -> {
                    if (received >= next[0]) {
                        next[0] += 16L << 20;
                        out.printf("consumed %3d MiB, server has sent %3d MiB: the gap stays bounded by socket buffers%n",
                                received >> 20, (server.bodyBytesWritten() - before) >> 20);
                    }
                })
                .last().block(WAIT);
        out.println("downloaded " + (total >> 20) + " MiB");
    }

    private static void timeout(PrintStream out, TestServer server, WebClient web, Transport transport) {
        out.println();
        out.println("== 4. A server that never answers, and WebClient's timeout(300 ms) ==");
        server.enqueue(ServerResponse.ok("never").noResponse());
        try {
            web.get().uri("/hang").retrieve().bodyToMono(String.class).timeout(Duration.ofMillis(300)).block(WAIT);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof TimeoutException ? e.getCause() : e;
            out.println("failed: " + cause.getClass().getSimpleName());
        }
        // The cancelled exchange closed its connection; give the event loop a moment to finish closing it.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (transport.stats().active() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(10_000_000L);
        }
        out.println("pool after the timeout: " + transport.stats() + " (the cancelled request's connection was closed)");
    }

    private static void refused(PrintStream out, WebClient web) {
        out.println();
        out.println("== 5. A refused connection ==");
        try {
            web.get().uri(URI.create("http://127.0.0.1:1/")).retrieve().bodyToMono(String.class).block(WAIT);
        } catch (WebClientRequestException e) {
            out.println(e.getClass().getSimpleName() + " caused by " + e.getCause().getClass().getSimpleName() + ": "
                    + e.getCause().getMessage());
        }
    }
}
