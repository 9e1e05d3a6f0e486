package dev.courier.http.faultmatrix;

import static dev.courier.http.RequestException.Phase.POOL_WAIT;
import static dev.courier.http.RequestException.Phase.READ_BODY;
import static dev.courier.http.faultmatrix.Env.CONNECTION_CLOSED;
import static dev.courier.http.faultmatrix.Env.SHORT;
import static dev.courier.http.faultmatrix.Env.STREAM_RESET;
import static dev.courier.http.faultmatrix.Outcome.cancelled;
import static dev.courier.http.faultmatrix.Outcome.fails;
import static dev.courier.http.faultmatrix.Outcome.succeeds;
import static dev.courier.http.faultmatrix.Proto.H1;
import static dev.courier.http.faultmatrix.Proto.H1_TLS;
import static dev.courier.http.faultmatrix.Proto.H2;

import dev.courier.http.ClientTrace;
import dev.courier.http.RequestBody;
import dev.courier.http.Response;
import dev.courier.http.Transport;
import dev.courier.http.TransportStats;
import dev.courier.http.faultmatrix.Env.Origin;
import dev.courier.http.faultmatrix.Fault.Area;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.BlackholeListener;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2Settings;
import dev.courier.http.testing.RecordingSubscriber;
import dev.courier.http.testing.ScriptedPublisher;
import dev.courier.http.testing.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/**
 * The caller cancelling the round trip's future in every phase, and the pool's own limit: each must end the exchange
 * at once, typed, and give back (or close) whatever it held.
 */
final class CancelFaults {
    /** How long a dial or handshake abandoned by its caller may go on: it ends by its own timeout. */
    private static final Duration ABANDONED_DIAL = Duration.ofSeconds(1);

    private CancelFaults() {
    }

    static List<Fault> all() {
        return List.of(
                Fault.of("CANCEL_WHILE_CONNECTING", Area.CANCEL, "the caller cancels while the connect hangs (full "
                                + "accept queue)")
                        .all(cancelled("the dial goes on and ends by its connectTimeout"))
                        .run(env -> {
                            BlackholeListener stalled = env.closeAfter(BlackholeListener.fullBacklog());
                            Transport t = env.transport(b -> b.connectTimeout(ABANDONED_DIAL));
                            CompletableFuture<Response> call = t.roundTrip(env.get(env.uri(stalled.port(), "/")));
                            Await.until(() -> "a dial in progress: " + t.stats(),
                                    () -> t.stats().pending() == 1 && t.stats().total() == 1);
                            call.cancel(true);
                            return settled(env, t, call, "the dial goes on and ends by its connectTimeout");
                        }),

                Fault.of("CANCEL_DURING_TLS_HANDSHAKE", Area.CANCEL, "the caller cancels while the server leaves the "
                                + "TLS handshake unanswered")
                        .on(cancelled("the dial goes on and ends by its tlsHandshakeTimeout"), H1_TLS, H2)
                        .run(env -> {
                            BlackholeListener silent = env.closeAfter(BlackholeListener.silent());
                            Transport t = env.transport(b -> b.tlsHandshakeTimeout(ABANDONED_DIAL));
                            CountDownLatch handshaking = new CountDownLatch(1);
                            ClientTrace trace = new ClientTrace() {
                                @Override
                                public void tlsHandshakeStart() {
                                    handshaking.countDown();
                                }
                            };
                            CompletableFuture<Response> call = t.roundTrip(env.request(env.uri(silent.port(), "/"))
                                    .trace(trace).build());
                            Env.await(handshaking, "the TLS handshake started");
                            call.cancel(true);
                            return settled(env, t, call, "the dial goes on and ends by its tlsHandshakeTimeout");
                        }),

                Fault.of("CANCEL_IN_POOL_WAIT", Area.CANCEL, "the caller cancels while its request waits for the "
                                + "route's only connection (`maxConnsPerHost` 1; HTTP/2: 1 stream, strict)")
                        .all(cancelled("left the queue; the busy connection unaffected"))
                        .run(env -> {
                            Origin origin = busyOrigin(env);
                            Transport t = busyTransport(env, b -> b);
                            CompletableFuture<Response> busy = occupy(env, t, origin);
                            CompletableFuture<Response> waiting = t.roundTrip(env.get(origin.uri("/waits")));
                            Await.until(() -> "the second request waits: " + t.stats(), () -> t.stats().pending() == 1);
                            waiting.cancel(true);
                            Observed o = env.outcome(waiting);
                            Await.until(() -> "the cancelled request left the queue: " + t.stats(),
                                    () -> t.stats().pending() == 0);
                            boolean unaffected = t.stats().active() == 1 && !busy.isDone();
                            busy.cancel(true);
                            return o.withEffect(unaffected ? "left the queue; the busy connection unaffected"
                                    : "the busy exchange was disturbed: " + t.stats());
                        }),

                Fault.of("CANCEL_WHILE_WRITING", Area.CANCEL, "the caller cancels while the request body's publisher "
                                + "holds back the rest of the body")
                        .on(cancelled(CONNECTION_CLOSED), H1, H1_TLS)
                        .on(cancelled(STREAM_RESET), H2)
                        .run(env -> {
                            Origin origin = env.origin();
                            Transport t = env.transport();
                            ScriptedPublisher body = ScriptedPublisher.stalling(new byte[1024]);
                            CompletableFuture<Response> call = t.roundTrip(env.request(origin.uri("/upload"))
                                    .post(RequestBody.ofPublisher(body, -1)).build());
                            Await.until("the server has the request's head", () -> origin.requestCount() == 1);
                            Env.await(body.requested, "the body's publisher was asked for data");
                            call.cancel(true);
                            Env.await(body.cancelled, "the body's subscription was cancelled");
                            return env.outcome(call).withEffect(env.aftermath(t, origin));
                        }),

                Fault.of("CANCEL_AWAITING_HEADERS", Area.CANCEL, "the caller cancels while the server sits on the "
                                + "request")
                        .on(cancelled(CONNECTION_CLOSED), H1, H1_TLS)
                        .on(cancelled(STREAM_RESET), H2)
                        .run(env -> {
                            Origin origin = env.origin().enqueue(ServerResponse.ok("x").noResponse(),
                                    H2Response.ok("x").noResponse());
                            Transport t = env.transport();
                            CompletableFuture<Response> call = t.roundTrip(env.get(origin.uri("/wait")));
                            Await.until("the server has the request", () -> origin.requestCount() == 1);
                            call.cancel(true);
                            return env.outcome(call).withEffect(env.aftermath(t, origin));
                        }),

                Fault.of("CANCEL_WHILE_READING_BODY", Area.CANCEL, "the caller cancels the round trip's future (already "
                                + "completed) while a subscriber reads an 8 MiB body")
                        .on(fails(READ_BODY).message("closed before it was read to the end").effect(CONNECTION_CLOSED),
                                H1, H1_TLS)
                        .on(fails(READ_BODY).message("closed before it was read to the end").effect(STREAM_RESET), H2)
                        .run(env -> {
                            Origin origin = ConsumerFaults.large(env);
                            Transport t = env.transport();
                            CompletableFuture<Response> call = t.roundTrip(env.get(origin.uri("/body")));
                            Response r = env.response(call);
                            RecordingSubscriber sub = new RecordingSubscriber();
                            r.body().subscribe(sub);
                            sub.awaitSubscription().request(1);
                            if (sub.items.poll(Env.BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) == null) {
                                throw new AssertionError("no first piece of the body");
                            }
                            call.cancel(true);
                            return env.outcome(sub.result).withEffect(env.aftermath(t, origin));
                        }),

                Fault.of("UNSOLICITED_BYTES_ON_IDLE", Area.POOL, "once the response was read and its connection "
                                + "pooled, the server sends bytes nobody asked for (half a line); then a second request")
                        .on(succeeds("the client closes the idle connection; the next request opens a new one"), H1, H1_TLS)
                        .run(env -> {
                            CompletableFuture<Void> gate = new CompletableFuture<>();
                            Origin origin = env.origin().enqueue(ServerResponse.ok("first").unsolicitedAfter(gate,
                                    "HTTP/1.1 200 unasked"), null).enqueue(ServerResponse.ok("second"), null);
                            Transport t = env.transport();
                            env.text(t.roundTrip(env.get(origin.uri("/first"))));
                            Await.idleConnections(t, 1);
                            gate.complete(null);
                            boolean closed = Await.within(Env.BOUND, () -> t.stats().total() == 0);
                            Observed second = env.body(t.roundTrip(env.get(origin.uri("/second"))));
                            if (second.failure() != null) {
                                return second;
                            }
                            return Observed.succeeded(closed && "second".equals(second.effect())
                                    && origin.connectionCount() == 2
                                    ? "the client closes the idle connection; the next request opens a new one"
                                    : "closed " + closed + ", then \"" + second.effect() + "\" over "
                                            + origin.connectionCount() + " connections", env.retries());
                        }),

                Fault.of("POOL_WAIT_TIMEOUT", Area.POOL, "a request waits for the route's only connection "
                                + "(`maxConnsPerHost` 1; HTTP/2: 1 stream, strict); `pendingAcquireTimeout` 300 ms")
                        .all(fails(POOL_WAIT).timeout())
                        .run(env -> {
                            Origin origin = busyOrigin(env);
                            Transport t = busyTransport(env, b -> b.pendingAcquireTimeout(SHORT));
                            CompletableFuture<Response> busy = occupy(env, t, origin);
                            Observed o = env.outcome(t.roundTrip(env.get(origin.uri("/waits"))));
                            busy.cancel(true);
                            return o;
                        }));
    }

    /** An origin that answers a warm-up and then sits on the next request; over HTTP/2 with one stream allowed. */
    private static Origin busyOrigin(Env env) {
        Origin origin = env.proto == H2 ? env.origin(H2Settings.defaults().withMaxConcurrentStreams(1)) : env.origin();
        return origin.enqueue(ServerResponse.ok("warm"), H2Response.ok("warm"))
                .enqueue(ServerResponse.ok("x").noResponse(), H2Response.ok("x").noResponse());
    }

    private static Transport busyTransport(Env env, UnaryOperator<Transport.Builder> more) {
        return env.transport(b -> more.apply(b.maxConnsPerHost(1).http2StrictMaxConcurrentStreams(true)));
    }

    /**
     * Warms the route up (over HTTP/2 the server's SETTINGS, with its one-stream limit, are known once a response
     * came), then leases its only connection (stream) to a request the server never answers.
     */
    private static CompletableFuture<Response> occupy(Env env, Transport t, Origin origin) throws Exception {
        env.text(t.roundTrip(env.get(origin.uri("/warm-up"))));
        CompletableFuture<Response> busy = t.roundTrip(env.get(origin.uri("/busy")));
        Await.until("the busy request reached the server", () -> origin.requestCount() == 2);
        return busy;
    }

    /** The call's outcome once the abandoned dial has ended: nothing leased, waiting or open. */
    private static Observed settled(Env env, Transport t, CompletableFuture<Response> call, String effect)
            throws InterruptedException {
        Observed o = env.outcome(call);
        Await.until(() -> "the abandoned dial ends: " + t.stats(), () -> {
            TransportStats s = t.stats();
            return s.total() == 0 && s.pending() == 0;
        });
        return o.withEffect(effect);
    }
}
