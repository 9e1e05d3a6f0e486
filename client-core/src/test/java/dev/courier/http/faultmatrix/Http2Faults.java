package dev.courier.http.faultmatrix;

import static dev.courier.http.RequestException.Phase.AWAIT_HEADERS;
import static dev.courier.http.RequestException.Phase.READ_BODY;
import static dev.courier.http.faultmatrix.Env.SHORT;
import static dev.courier.http.faultmatrix.Outcome.fails;
import static dev.courier.http.faultmatrix.Outcome.succeeds;
import static dev.courier.http.faultmatrix.Proto.H2;

import dev.courier.http.Http2Exception;
import dev.courier.http.Response;
import dev.courier.http.Transport;
import dev.courier.http.faultmatrix.Env.Origin;
import dev.courier.http.faultmatrix.Fault.Area;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Faults of HTTP/2 itself (RFC 9113): GOAWAY, RST_STREAM, SETTINGS, PING, flow control, header blocks. */
final class Http2Faults {
    private static final int NO_ERROR = 0x0;
    private static final int PROTOCOL_ERROR = 0x1;
    private static final int INTERNAL_ERROR = 0x2;
    private static final int REFUSED_STREAM = 0x7;
    private static final int CANCEL = 0x8;

    private Http2Faults() {
    }

    static List<Fault> all() {
        return List.of(
                Fault.of("GOAWAY_GRACEFUL_UNPROCESSED", Area.HTTP2, "the server answers a GET on a reused connection "
                                + "with GOAWAY (NO_ERROR) whose last-stream-id is below the GET's stream")
                        .on(succeeds("the retry went to a new connection").retries(1), H2)
                        .run(env -> goAwayBelow(env, NO_ERROR)),

                Fault.of("GOAWAY_ERROR_UNPROCESSED", Area.HTTP2, "as GOAWAY_GRACEFUL_UNPROCESSED, with INTERNAL_ERROR")
                        .on(succeeds("the retry went to a new connection").retries(1), H2)
                        .run(env -> goAwayBelow(env, INTERNAL_ERROR)),

                Fault.of("GOAWAY_ERROR_THEN_CLOSE", Area.HTTP2, "while a GET waits for its answer, the server sends "
                                + "GOAWAY (PROTOCOL_ERROR) naming that stream as processed and closes the connection")
                        .on(fails(AWAIT_HEADERS).message("GOAWAY"), H2)
                        .run(env -> {
                            Origin origin = env.origin().enqueue(null, H2Response.ok("x").noResponse());
                            CompletableFuture<Response> call = env.transport().roundTrip(env.get(origin.uri("/wait")));
                            Await.until("the request reached the server", () -> origin.requestCount() == 1);
                            origin.h2.goAway(PROTOCOL_ERROR, "matrix says goodbye");
                            origin.h2.closeAllConnections();
                            return env.outcome(call);
                        }),

                Fault.of("RST_STREAM_REFUSED", Area.HTTP2, "the server answers the stream with RST_STREAM "
                                + "(REFUSED_STREAM), then answers the next one")
                        .on(succeeds("the refused stream was retried").retries(1), H2)
                        .run(env -> {
                            Origin origin = env.origin().enqueue(null, H2Response.ok("x").rstStream(REFUSED_STREAM))
                                    .enqueue(null, H2Response.ok("second try"));
                            Observed o = env.body(env.transport().roundTrip(env.get(origin.uri("/refused"))));
                            return o.failure() != null || !"second try".equals(o.effect()) ? o
                                    : o.withEffect("the refused stream was retried");
                        }),

                Fault.of("RST_STREAM_CANCEL", Area.HTTP2, "the server answers the stream with RST_STREAM (CANCEL)")
                        .on(fails(AWAIT_HEADERS).message("CANCEL").causedBy(Http2Exception.class), H2)
                        .run(env -> call(env, H2Response.ok("x").rstStream(CANCEL))),

                Fault.of("RST_STREAM_PROTOCOL_ERROR", Area.HTTP2, "the server answers the stream with RST_STREAM "
                                + "(PROTOCOL_ERROR)")
                        .on(fails(AWAIT_HEADERS).message("PROTOCOL_ERROR").causedBy(Http2Exception.class), H2)
                        .run(env -> call(env, H2Response.ok("x").rstStream(PROTOCOL_ERROR))),

                Fault.of("RST_STREAM_INSIDE_BODY", Area.HTTP2, "after the head and 10,000 body bytes, the server "
                                + "resets the stream (INTERNAL_ERROR)")
                        .on(fails(READ_BODY).message("INTERNAL_ERROR").causedBy(Http2Exception.class), H2)
                        .run(env -> {
                            Origin origin = env.origin().enqueue(null,
                                    H2Response.status(200).streamBody(1 << 20).rstAfterBytes(10_000, INTERNAL_ERROR));
                            return env.body(env.transport().roundTrip(env.get(origin.uri("/reset"))));
                        }),

                Fault.of("SETTINGS_NEVER_SENT", Area.HTTP2, "the server negotiates h2 by ALPN, then never sends its "
                                + "SETTINGS, nor anything else; `responseHeaderTimeout` 300 ms")
                        .on(fails(AWAIT_HEADERS).timeout().message("responseHeaderTimeout"), H2)
                        .run(env -> {
                            H2TestServer silent = env.closeAfter(H2TestServer.startTlsWithoutSettings(Env.CERTS.server()));
                            Transport t = env.transport(b -> b.responseHeaderTimeout(SHORT));
                            return env.outcome(t.roundTrip(env.get(silent.uri("/"))));
                        }),

                Fault.of("PING_TIMEOUT", Area.HTTP2, "the server stops answering (PINGs included) while a GET waits; "
                                + "`http2PingInterval` 100 ms, `http2PingTimeout` 200 ms")
                        .on(fails(AWAIT_HEADERS).message("PING"), H2)
                        .run(env -> {
                            Origin origin = env.origin().enqueue(null, H2Response.ok("x").noResponse());
                            origin.h2.ignorePings(true);
                            Transport t = env.transport(b -> b.http2PingInterval(Duration.ofMillis(100))
                                    .http2PingTimeout(Duration.ofMillis(200)));
                            return env.outcome(t.roundTrip(env.get(origin.uri("/hang"))));
                        }),

                Fault.of("FLOW_CONTROL_VIOLATION", Area.HTTP2, "the server sends 2 MiB of DATA on a stream whose "
                                + "window (1 MiB) the unread body never reopened")
                        .on(fails(READ_BODY).message("flow control window exceeded").effect(Env.STREAM_RESET_FLOW_CONTROL), H2)
                        .run(env -> {
                            Origin origin = env.origin().enqueue(null,
                                    H2Response.status(200).streamBody(2 << 20).ignoreFlowControl());
                            Response r = env.response(env.transport().roundTrip(env.get(origin.uri("/flood"))));
                            Transport t = env.transports().get(0);
                            // The stream fails as the window overflows, before anyone reads: the body learns of it.
                            Await.until("the client resets the overrunning stream", () -> !origin.h2.resetsReceived()
                                    .isEmpty());
                            return env.outcome(r.body().bytes()).withEffect(env.aftermath(t, origin));
                        }),

                Fault.of("CONTINUATION_FLOOD", Area.HTTP2, "the server answers with HEADERS without END_HEADERS and "
                                + "then endless 1 KiB CONTINUATION frames")
                        .on(fails(AWAIT_HEADERS).message("header"), H2)
                        .run(env -> call(env, H2Response.ok("x").continuationFlood())));
    }

    private static Observed call(Env env, H2Response script) throws Exception {
        Origin origin = env.origin().enqueue(null, script);
        return env.outcome(env.transport().roundTrip(env.get(origin.uri("/"))));
    }

    /** A warm-up on the connection, then GOAWAY with a last-stream-id below the next GET's stream. */
    private static Observed goAwayBelow(Env env, int errorCode) throws Exception {
        Origin origin = env.origin().enqueue(null, H2Response.ok("warm"))
                .enqueue(null, H2Response.ok("x").goAwayBefore(errorCode, "matrix"))
                .enqueue(null, H2Response.ok("elsewhere"));
        Transport t = env.transport();
        env.text(t.roundTrip(env.get(origin.uri("/warm-up"))));
        Observed o = env.body(t.roundTrip(env.get(origin.uri("/unprocessed"))));
        return o.failure() != null ? o : Observed.succeeded("elsewhere".equals(o.effect()) && origin.connectionCount() == 2
                ? "the retry went to a new connection" : o.effect() + " over " + origin.connectionCount() + " connections",
                env.retries());
    }
}
