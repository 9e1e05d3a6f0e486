package dev.courier.http.faultmatrix;

import static dev.courier.http.faultmatrix.Env.CONNECTION_CLOSED;
import static dev.courier.http.faultmatrix.Env.CONNECTION_KEPT;
import static dev.courier.http.faultmatrix.Env.STREAM_ENDED;
import static dev.courier.http.faultmatrix.Env.STREAM_RESET;
import static dev.courier.http.faultmatrix.Outcome.stopped;
import static dev.courier.http.faultmatrix.Proto.H1;
import static dev.courier.http.faultmatrix.Proto.H1_TLS;
import static dev.courier.http.faultmatrix.Proto.H2;

import dev.courier.http.Response;
import dev.courier.http.Transport;
import dev.courier.http.faultmatrix.Env.Origin;
import dev.courier.http.faultmatrix.Fault.Area;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.ScriptedSubscriber;
import dev.courier.http.testing.ServerResponse;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Faults of the response body's consumer: a subscriber that throws, cancels at each point or breaks the rules, and
 * a Response dropped unread. None is an error of the request; each must release the connection (closed, drained
 * into the pool, or over HTTP/2 the stream reset) and never signal the subscriber again once it cancelled.
 */
final class ConsumerFaults {
    /** Much more than one read: the body is still arriving when the consumer stops. */
    private static final long LARGE = 8L << 20;

    private ConsumerFaults() {
    }

    static List<Fault> all() {
        return List.of(
                Fault.of("SUBSCRIBER_THROWS_IN_ONNEXT", Area.CONSUMER, "the body's subscriber throws from its first "
                                + "onNext (Reactive Streams rule 2.13) while 8 MiB are still arriving")
                        .on(stopped("body cancelled; " + CONNECTION_CLOSED), H1, H1_TLS)
                        .on(stopped("body cancelled; " + STREAM_RESET), H2)
                        .run(env -> subscribe(env, large(env), ScriptedSubscriber.throwInOnNext(), "body cancelled; ")),

                Fault.of("SUBSCRIBER_CANCELS_IN_ONSUBSCRIBE", Area.CONSUMER, "the subscriber cancels in onSubscribe, "
                                + "before requesting anything, while 8 MiB are on their way")
                        .on(stopped(CONNECTION_CLOSED), H1, H1_TLS)
                        .on(stopped(STREAM_RESET), H2)
                        .run(env -> subscribe(env, large(env), ScriptedSubscriber.cancelInOnSubscribe(), "")),

                Fault.of("SUBSCRIBER_CANCELS_AFTER_FIRST_ITEM", Area.CONSUMER, "the subscriber cancels after its "
                                + "first item, while the rest of 8 MiB is on its way")
                        .on(stopped(CONNECTION_CLOSED), H1, H1_TLS)
                        .on(stopped(STREAM_RESET), H2)
                        .run(env -> subscribe(env, large(env), ScriptedSubscriber.cancelAfterFirstItem(), "")),

                Fault.of("SUBSCRIBER_CANCELS_SMALL_REMAINDER", Area.CONSUMER, "the subscriber cancels in onSubscribe; "
                                + "the whole 1 KiB body is still to come (HTTP/1.1 drains up to 2 KiB to keep the "
                                + "connection)")
                        .on(stopped(CONNECTION_KEPT + ", and reused"), H1, H1_TLS)
                        .on(stopped(STREAM_RESET), H2)
                        .run(env -> {
                            CompletableFuture<Void> gate = new CompletableFuture<>();
                            Origin origin = env.origin().enqueue(
                                    ServerResponse.status(200).body(new byte[1024]).bodyAfter(gate),
                                    H2Response.status(200).body(new byte[1024]).bodyAfter(gate));
                            Transport t = env.transport();
                            Response r = env.response(t.roundTrip(env.get(origin.uri("/small"))));
                            ScriptedSubscriber sub = ScriptedSubscriber.cancelInOnSubscribe();
                            r.body().subscribe(sub);
                            Env.await(sub.acted, "the subscriber cancelled");
                            gate.complete(null); // the remainder arrives after the cancel
                            String effect = env.aftermath(t, origin) + signalled(sub);
                            if (effect.equals(CONNECTION_KEPT)) {
                                origin.enqueue(ServerResponse.ok("next"), null);
                                String next = env.text(t.roundTrip(env.get(origin.uri("/next"))));
                                effect += next.equals("next") && origin.connectionCount() == 1 ? ", and reused"
                                        : ", but the next request read \"" + next + "\"";
                            }
                            return Observed.succeeded(effect, env.retries());
                        }),

                Fault.of("SUBSCRIBER_CANCELS_AFTER_LAST_ITEM", Area.CONSUMER, "the subscriber cancels once it has the "
                                + "whole 5-byte body, before onComplete")
                        .on(stopped(CONNECTION_KEPT), H1, H1_TLS)
                        .on(stopped(STREAM_ENDED), H2)
                        .run(env -> {
                            Origin origin = env.origin().enqueue(ServerResponse.ok("hello"), H2Response.ok("hello"));
                            return subscribe(env, origin, ScriptedSubscriber.cancelAtBytes(5), "");
                        }),

                Fault.of("SUBSCRIBER_REQUESTS_ZERO", Area.CONSUMER, "the subscriber calls request(0), which Reactive "
                                + "Streams rule 3.9 answers with onError(IllegalArgumentException)")
                        .on(stopped("subscriber told onError(IllegalArgumentException); " + CONNECTION_CLOSED), H1, H1_TLS)
                        .on(stopped("subscriber told onError(IllegalArgumentException); " + STREAM_RESET), H2)
                        .run(env -> {
                            Origin origin = large(env);
                            Transport t = env.transport();
                            Response r = env.response(t.roundTrip(env.get(origin.uri("/body"))));
                            ScriptedSubscriber sub = ScriptedSubscriber.requestZero();
                            r.body().subscribe(sub);
                            Await.until("the subscriber is told", () -> !sub.signalsAfter.isEmpty());
                            String effect = env.aftermath(t, origin);
                            boolean told = sub.signalsAfter.size() == 1
                                    && sub.signalsAfter.get(0).startsWith("onError java.lang.IllegalArgumentException");
                            return Observed.succeeded((told ? "subscriber told onError(IllegalArgumentException)"
                                    : "subscriber got " + sub.signalsAfter) + "; " + effect, env.retries());
                        }),

                Fault.of("RESPONSE_DROPPED_UNREAD", Area.CONSUMER, "the caller drops the Response without reading "
                                + "or closing its body, while 8 MiB are on their way; found when garbage-collected")
                        .on(stopped("found when collected; " + CONNECTION_CLOSED), H1, H1_TLS)
                        .on(stopped("found when collected; " + STREAM_RESET), H2)
                        .run(env -> {
                            Origin origin = large(env);
                            Transport t = env.transport();
                            WeakReference<Response> dropped = sendAndDrop(env, t, origin);
                            boolean reclaimed = gcUntil(() -> env.proto == H2 ? t.stats().streams() == 0
                                    : t.stats().active() == 0);
                            return Observed.succeeded(!reclaimed ? "never found (Response "
                                    + (dropped.get() == null ? "collected" : "never collected") + ", " + t.stats() + ")"
                                    : "found when collected; " + env.aftermath(t, origin), env.retries());
                        }));
    }

    /** An origin whose next answer is an 8 MiB body, written only as fast as the client reads. */
    static Origin large(Env env) {
        return env.origin().enqueue(ServerResponse.status(200).streamBody(LARGE), H2Response.status(200).streamBody(LARGE));
    }

    /** A GET to {@code origin}; {@code sub} subscribes to the body; the effect once it acted and the connection settled. */
    private static Observed subscribe(Env env, Origin origin, ScriptedSubscriber sub, String prefix) throws Exception {
        Transport t = env.transport();
        Response r = env.response(t.roundTrip(env.get(origin.uri("/body"))));
        r.body().subscribe(sub);
        Env.await(sub.acted, "the subscriber acted");
        return Observed.succeeded(prefix + env.aftermath(t, origin) + signalled(sub), env.retries());
    }

    /** "" when the subscriber got no signal after it stopped (Reactive Streams rule 3.6 for a cancel), else what it got. */
    private static String signalled(ScriptedSubscriber sub) {
        return sub.signalsAfter.isEmpty() ? "" : "; subscriber signalled after it stopped: " + sub.signalsAfter;
    }

    private static WeakReference<Response> sendAndDrop(Env env, Transport t, Origin origin) throws Exception {
        Response r = env.response(t.roundTrip(env.get(origin.uri("/dropped"))));
        return new WeakReference<>(r);
    }

    /** Runs System.gc() until {@code condition} holds or 10 s pass; returns whether it held. */
    private static boolean gcUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Env.BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }
}
