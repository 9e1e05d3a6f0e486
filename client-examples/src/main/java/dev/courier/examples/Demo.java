package dev.courier.examples;

import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.Transport;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * {@code courier demo}: an embedded local server and a Transport, showing connection reuse across
 * concurrent requests, transparent gzip, and a large download streamed with backpressure.
 */
final class Demo {
    private Demo() {
    }

    static void run(PrintStream out) throws Exception {
        try (TestServer server = TestServer.start(); Transport transport = Transport.newBuilder().build()) {
            out.println("Embedded server at " + server.uri("/") + ", transport on " + transport.ioTransport());
            reuse(out, server, transport);
            gzip(out, server, transport);
            download(out, server, transport);
            out.println();
            out.println("Pool at the end: " + transport.stats());
        }
    }

    private static void reuse(PrintStream out, TestServer server, Transport transport) throws Exception {
        out.println();
        out.println("== 1. Connection reuse: 8 concurrent GETs, twice ==");
        server.dispatcher(req -> ServerResponse.ok("hello from " + req.target()));
        for (int round = 1; round <= 2; round++) {
            List<CompletableFuture<String>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Request r = Request.newBuilder(server.uri("/r" + round + "/" + i))
                        .trace(round == 2 && i == 0 ? new PrintingTrace(out, "  trace") : null).build();
                all.add(transport.roundTrip(r).thenCompose(resp -> resp.body().text()));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            out.println("round " + round + ": 8 responses; server has accepted " + server.connectionCount()
                    + " connections in all; pool: " + transport.stats());
        }
    }

    private static void gzip(PrintStream out, TestServer server, Transport transport) throws Exception {
        out.println();
        out.println("== 2. Transparent gzip ==");
        String text = "All work and no play makes Jack a dull boy. ".repeat(200);
        server.enqueue(ServerResponse.ok(text).gzip());
        Response r = transport.roundTrip(Request.newBuilder(server.uri("/gzip")).build()).get(10, TimeUnit.SECONDS);
        String body = r.body().text().get(10, TimeUnit.SECONDS);
        out.println("asked with Accept-Encoding: " + server.takeRequest().header("Accept-Encoding")
                + "; uncompressed()=" + r.uncompressed() + "; " + body.length() + " characters decoded, equal to the original: "
                + body.equals(text) + "; Content-Encoding now " + r.headers().first("Content-Encoding"));
    }

    private static void download(PrintStream out, TestServer server, Transport transport) throws Exception {
        out.println();
        out.println("== 3. 256 MiB download read one buffer per request(1) ==");
        long size = 256L << 20;
        long before = server.bodyBytesWritten();
        server.enqueue(ServerResponse.status(200).streamBody(size));
        Response r = transport.roundTrip(Request.newBuilder(server.uri("/big")).build()).get(10, TimeUnit.SECONDS);
        CompletableFuture<Long> done = new CompletableFuture<>();
        r.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
            private Flow.Subscription s;
            private long received;
            private long nextReport = 32L << 20;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
                received += item.remaining();
                if (received >= nextReport) {
                    nextReport += 32L << 20;
                    out.printf("consumed %4d MiB, server has sent %4d MiB: the gap stays bounded by socket buffers%n",
                            received >> 20, (server.bodyBytesWritten() - before) >> 20);
                }
                s.request(1);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(received);
            }
        });
        out.println("downloaded " + (done.get(60, TimeUnit.SECONDS) >> 20) + " MiB; connection back in the pool: "
                + transport.stats());
    }
}
