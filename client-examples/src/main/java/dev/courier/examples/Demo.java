package dev.courier.examples;

import dev.courier.http.Client;
import dev.courier.http.CookieJar;
import dev.courier.http.InMemoryCookieJar;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import dev.courier.http.Response;
import dev.courier.http.Transport;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * {@code courier demo}: an embedded local server and a Transport, showing connection reuse across
 * concurrent requests, transparent gzip, a redirect chain that sets cookies, and a large download
 * streamed with backpressure.
 */
final class Demo {
    private Demo() {
    }

    static void run(PrintStream out) throws Exception {
        try (TestServer server = TestServer.start(); Transport transport = Transport.newBuilder().build()) {
            out.println("Embedded server at " + server.uri("/") + ", transport on " + transport.ioTransport());
            reuse(out, server, transport);
            gzip(out, server, transport);
            redirectsWithCookies(out, server, transport);
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

    private static void redirectsWithCookies(PrintStream out, TestServer server, Transport transport) throws Exception {
        out.println();
        out.println("== 3. A redirect chain that sets cookies ==");
        server.enqueue(ServerResponse.status(302).header("Location", "/step2").header("Set-Cookie", "session=s3ss10n; Path=/")
                .body("to step 2"));
        server.enqueue(ServerResponse.status(303).header("Location", "/home").header("Set-Cookie", "theme=dark; Path=/")
                .body("to home"));
        server.enqueue(ServerResponse.ok("welcome home"));
        InMemoryCookieJar jar = CookieJar.inMemory();
        Client client = Client.newBuilder().transport(transport).cookieJar(jar).build();
        Response r = client.send(Request.newBuilder(server.uri("/login")).post(RequestBody.of("user=ann", StandardCharsets.UTF_8))
                .trace(new PrintingTrace(out, "  trace")).build()).get(10, TimeUnit.SECONDS);
        String body = r.body().text().get(10, TimeUnit.SECONDS);
        var seen = server.takeRequest();
        while (!seen.target().equals("/login")) {
            seen = server.takeRequest(); // skip what the earlier sections sent
        }
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                seen = server.takeRequest();
            }
            out.println("server saw " + seen.method() + " " + seen.target() + " with Cookie: " + seen.header("Cookie"));
        }
        int hops = 0;
        for (Response p = r.previous().orElse(null); p != null; p = p.previous().orElse(null)) {
            hops++;
        }
        out.println("final " + r.status() + " \"" + body + "\" after " + hops + " redirects; the jar holds " + jar.all().size()
                + " cookies: " + CookieJar.header(jar.all()));
    }

    private static void download(PrintStream out, TestServer server, Transport transport) throws Exception {
        out.println();
        out.println("== 4. 256 MiB download read one buffer per request(1) ==");
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
