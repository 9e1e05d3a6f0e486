package dev.courier.http.faultmatrix;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.courier.http.ClientTrace;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import dev.courier.http.Transport;
import dev.courier.http.TransportStats;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2Settings;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import io.netty.handler.codec.http2.Http2Error;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * One case's surroundings: its protocol, the servers and transports it creates (closed, and checked for leased
 * connections and Netty leaks, by the {@link CourierExtension} after the case), a trace that counts the Transport's
 * retries, and the bounded waits every scenario uses, so that no case can hang the suite.
 */
final class Env {
    /** The timeout a fault is run against: short, so the whole matrix stays quick. */
    static final Duration SHORT = Duration.ofMillis(300);
    /**
     * A timeout over the whole call (Request.timeout, Client.timeout), started on a pooled connection so that it can
     * only strike in the phase the case is about; long enough for a round trip on a loaded machine.
     */
    static final Duration WHOLE_CALL = Duration.ofMillis(500);
    /** How long any future may take to complete: the case's timeout plus a generous margin for a loaded machine. */
    static final Duration BOUND = Duration.ofSeconds(10);
    static final TestCertificates CERTS = TestCertificates.get();

    static final String CONNECTION_CLOSED = "connection closed";
    static final String CONNECTION_KEPT = "connection kept for reuse";
    static final String STREAM_RESET = "stream reset (CANCEL), connection kept";
    /** A stream error the codec found: the stream is reset with the error's own code (RFC 9113 section 5.4.2). */
    static final String STREAM_RESET_FLOW_CONTROL = "stream reset (FLOW_CONTROL_ERROR), connection kept";
    static final String STREAM_ENDED = "stream ended, connection kept";

    final Proto proto;
    private final CourierExtension courier;
    private final List<Transport> transports = new ArrayList<>();
    private final AtomicInteger retries = new AtomicInteger();
    /** Counts the Transport's retries; every request a scenario builds through {@link #request} carries it. */
    final ClientTrace trace = new ClientTrace() {
        @Override
        public void retrying(int attempt, RequestException cause, String reason) {
            retries.incrementAndGet();
        }
    };

    Env(Proto proto, CourierExtension courier) {
        this.proto = proto;
        this.courier = courier;
    }

    // ---- transports and servers ----

    Transport transport() {
        return transport(b -> b);
    }

    /** A transport trusting the test CA, with {@code more} applied. */
    Transport transport(UnaryOperator<Transport.Builder> more) {
        Transport t = courier.transport(b -> more.apply(b.trustStore(CERTS.caTrustStore())));
        transports.add(t);
        return t;
    }

    /**
     * A transport whose connection to {@code origin} is open and pooled (a first GET answered by the server's default
     * "ok", so call it before enqueuing scripts): a whole-call timeout then starts with the exchange itself, not
     * with a dial or handshake that a loaded machine may slow down.
     */
    Transport warmTransport(Origin origin) throws Exception {
        Transport t = transport();
        String warm = text(t.roundTrip(Request.newBuilder(origin.uri("/warm-up")).build()));
        if (!warm.equals("ok")) {
            throw new AssertionError("the warm-up got \"" + warm + "\"");
        }
        Await.until(() -> "the warm connection is pooled: " + t.stats(), () -> t.stats().active() == 0);
        return t;
    }

    List<Transport> transports() {
        return transports;
    }

    <T extends AutoCloseable> T closeAfter(T resource) {
        return courier.closeAfter(resource);
    }

    /** The scripted server of this case's protocol: a TestServer (plain or TLS) or an H2TestServer. */
    Origin origin() {
        return proto == Proto.H2 ? new Origin(null, closeAfter(H2TestServer.startTls(CERTS.server())))
                : new Origin(proto == Proto.H1 ? courier.server() : courier.tlsServer(CERTS.server()), null);
    }

    /** An HTTP/2 origin advertising {@code settings} (HTTP/2 cases only). */
    Origin origin(H2Settings settings) {
        requireH2();
        return new Origin(null, closeAfter(H2TestServer.startTls(CERTS.server(), settings)));
    }

    /** An HTTP/1.1 TLS server presenting {@code certificate}, or an HTTP/2 one for HTTP/2 cases. */
    Origin tlsOrigin(io.netty.pkitesting.X509Bundle certificate) {
        return proto == Proto.H2 ? new Origin(null, closeAfter(H2TestServer.startTls(certificate)))
                : new Origin(courier.tlsServer(certificate), null);
    }

    void requireH2() {
        if (proto != Proto.H2) {
            throw new IllegalStateException("an HTTP/2 scenario run over " + proto);
        }
    }

    /** {@code http(s)://127.0.0.1:port/path} as this protocol needs (the test certificate names 127.0.0.1). */
    URI uri(int port, String path) {
        return URI.create((proto.tls() ? "https" : "http") + "://127.0.0.1:" + port + path);
    }

    /** A port on 127.0.0.1 nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            return s.getLocalPort();
        }
    }

    // ---- requests and waits ----

    /** A request builder carrying the retry-counting trace. */
    Request.Builder request(URI uri) {
        return Request.newBuilder(uri).trace(trace);
    }

    Request get(URI uri) {
        return request(uri).build();
    }

    int retries() {
        return retries.get();
    }

    /** The response {@code call} must complete with within {@link #BOUND}. */
    Response response(CompletableFuture<Response> call) throws Exception {
        try {
            return call.get(BOUND.toNanos(), NANOSECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected a response; the call " + Observed.failed(e.getCause(), retries()).describe(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the call did not complete within " + BOUND);
        }
    }

    /** The text of the body of the response {@code call} completes with, read within {@link #BOUND}. */
    String text(CompletableFuture<Response> call) throws Exception {
        Response r = response(call);
        try {
            return r.body().text().get(BOUND.toNanos(), NANOSECONDS);
        } catch (TimeoutException e) {
            r.close();
            throw new AssertionError("the body did not complete within " + BOUND);
        }
    }

    /**
     * How {@code f} (a call, or a body's future) completes within {@link #BOUND}: failed, cancelled, or succeeded (a
     * Response it completed with is closed). AssertionError if it does not complete in time: a hang is never an
     * outcome.
     */
    Observed outcome(CompletableFuture<?> f) throws InterruptedException {
        try {
            Object value = f.get(BOUND.toNanos(), NANOSECONDS);
            if (value instanceof Response) {
                ((Response) value).close();
                return Observed.succeeded("a response (" + ((Response) value).status() + ")", retries());
            }
            return Observed.succeeded(String.valueOf(value instanceof byte[] ? new String((byte[]) value,
                    java.nio.charset.StandardCharsets.UTF_8) : value), retries());
        } catch (ExecutionException e) {
            return e.getCause() instanceof CancellationException ? Observed.cancelled(retries())
                    : Observed.failed(e.getCause(), retries());
        } catch (CancellationException e) {
            return Observed.cancelled(retries());
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + BOUND + ": " + f);
        }
    }

    /** The outcome of the call, or once it has a response, of reading the response's body whole. */
    Observed body(CompletableFuture<Response> call) throws Exception {
        Observed head = outcomeOfCall(call);
        if (head != null) {
            return head;
        }
        return outcome(call.join().body().bytes());
    }

    /** The outcome of a call that did not produce a response, or null once it did (the response is not touched). */
    Observed outcomeOfCall(CompletableFuture<Response> call) throws InterruptedException {
        try {
            call.get(BOUND.toNanos(), NANOSECONDS);
            return null;
        } catch (ExecutionException | CancellationException | TimeoutException e) {
            return outcome(call);
        }
    }

    /** Waits up to {@link #BOUND} for {@code latch}; fails naming {@code what}. */
    static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(BOUND.toNanos(), NANOSECONDS)) {
            throw new AssertionError("not within " + BOUND + ": " + what);
        }
    }

    // ---- what became of the connection ----

    /**
     * Once {@code t} has settled (nothing leased or waiting, no connection closing), what became of the exchange's
     * connection: {@link #CONNECTION_CLOSED} or {@link #CONNECTION_KEPT} over HTTP/1.1; over HTTP/2 whether the
     * stream was reset ({@link #STREAM_RESET}) or ended, and whether the connection stayed.
     */
    String aftermath(Transport t, Origin origin) {
        if (proto != Proto.H2) {
            Await.until(() -> "the connection settles: " + t.stats(), () -> {
                TransportStats s = t.stats();
                return s.active() == 0 && s.pending() == 0 && s.total() == s.idle();
            });
            return t.stats().total() == 0 ? CONNECTION_CLOSED : CONNECTION_KEPT;
        }
        Await.until(() -> "the stream ends: " + t.stats(), () -> t.stats().streams() == 0 && t.stats().pending() == 0);
        // A probe after it: frames are ordered on a connection, so once the server answered the probe it has read any
        // RST_STREAM the client sent before; and the probe shows whether the connection was kept.
        int connections = origin.connectionCount();
        String probe;
        try {
            probe = text(t.roundTrip(Request.newBuilder(origin.uri("/probe")).build()));
        } catch (Exception e) {
            throw new AssertionError("the probe after the stream failed", e);
        }
        List<H2TestServer.Reset> resets = origin.h2.resetsReceived();
        String what = !resets.isEmpty() ? "stream reset (" + errorName(resets.get(0).errorCode()) + ")" : "stream ended";
        return what + (origin.connectionCount() == connections && probe.equals("ok") ? ", connection kept"
                : ", connection closed");
    }

    static String errorName(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e == null ? "0x" + Long.toHexString(code) : e.name();
    }

    /** The scripted server of a case, HTTP/1.1 or HTTP/2. */
    static final class Origin {
        final TestServer h1;
        final H2TestServer h2;

        Origin(TestServer h1, H2TestServer h2) {
            this.h1 = h1;
            this.h2 = h2;
        }

        URI uri(String path) {
            return h1 != null ? h1.uri(path) : h2.uri(path);
        }

        /** Queues the answer to the next request: {@code http1} on an HTTP/1.1 server, {@code http2} on an HTTP/2 one. */
        Origin enqueue(ServerResponse http1, H2Response http2) {
            if (h1 != null) {
                h1.enqueue(http1);
            } else {
                h2.enqueue(http2);
            }
            return this;
        }

        int requestCount() {
            return h1 != null ? h1.requestCount() : h2.requestCount();
        }

        int connectionCount() {
            return h1 != null ? h1.connectionCount() : h2.connectionCount();
        }

        int openConnections() {
            return h1 != null ? h1.openConnections() : h2.openConnections();
        }

        /** Resets the connection at a request's head (0) or once it delivered that many body bytes. */
        void resetWhileReadingRequest(long bodyBytes) {
            if (h1 != null) {
                h1.resetWhileReadingRequest(bodyBytes);
            } else {
                h2.resetWhileReadingRequest(bodyBytes);
            }
        }
    }
}
