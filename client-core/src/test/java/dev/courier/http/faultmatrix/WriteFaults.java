package dev.courier.http.faultmatrix;

import static dev.courier.http.RequestException.Phase.WRITE_REQUEST;
import static dev.courier.http.faultmatrix.Env.SHORT;
import static dev.courier.http.faultmatrix.Outcome.fails;
import static dev.courier.http.faultmatrix.Outcome.succeeds;

import dev.courier.http.RequestBody;
import dev.courier.http.Response;
import dev.courier.http.Transport;
import dev.courier.http.faultmatrix.Env.Origin;
import dev.courier.http.faultmatrix.Fault.Area;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.ExpectMode;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.ScriptedPublisher;
import dev.courier.http.testing.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Faults while the request is being written: resets mid-request, and request bodies that fail or never end. */
final class WriteFaults {
    private WriteFaults() {
    }

    /** The exception a failing request body publisher signals: the caller must get this very one back as the cause. */
    static final class BodyReadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BodyReadFailure(String message) {
            super(message);
        }
    }

    static java.util.List<Fault> all() {
        return java.util.List.of(
                Fault.of("RESET_BEFORE_BODY", Area.WRITE, "a POST's head reaches the server, which resets the "
                                + "connection (TCP RST) before the body's publisher has given the client a byte to send")
                        .all(fails(WRITE_REQUEST))
                        .run(env -> {
                            Origin origin = env.origin();
                            origin.resetWhileReadingRequest(0);
                            CompletableFuture<Void> gate = new CompletableFuture<>();
                            ScriptedPublisher body = ScriptedPublisher.gated(gate, new byte[16 * 1024]);
                            CompletableFuture<Response> call = env.transport().roundTrip(env.request(origin.uri("/upload"))
                                    .post(RequestBody.ofPublisher(body, -1)).build());
                            Await.until("the server reset the connection at the request's head",
                                    () -> origin.requestCount() == 1 && origin.openConnections() == 0);
                            gate.complete(null); // only now has the client something to write
                            return env.outcome(call);
                        }),

                Fault.of("RESET_WHILE_WRITING_BODY", Area.WRITE, "the server resets the connection once the first "
                                + "bytes of a streamed request body arrived; the body never completes")
                        .all(fails(WRITE_REQUEST))
                        .run(env -> {
                            Origin origin = env.origin();
                            origin.resetWhileReadingRequest(1);
                            ScriptedPublisher body = ScriptedPublisher.stalling(new byte[64 * 1024]);
                            return env.outcome(env.transport().roundTrip(env.request(origin.uri("/upload"))
                                    .post(RequestBody.ofPublisher(body, -1)).build()));
                        }),

                Fault.of("BODY_PUBLISHER_FAILS", Area.WRITE, "on a reused connection, an idempotent PUT's replayable "
                                + "body publisher signals onError after its first bytes: nothing may be retried (Go's "
                                + "requestBodyReadError) and the caller gets the publisher's own exception")
                        .all(fails(WRITE_REQUEST).message("the disk went away").causedBy(BodyReadFailure.class))
                        .run(env -> {
                            Origin origin = env.origin();
                            Transport t = env.transport();
                            env.text(t.roundTrip(env.get(origin.uri("/warm-up")))); // the PUT reuses its connection
                            BodyReadFailure error = new BodyReadFailure("the disk went away");
                            RequestBody body = RequestBody.ofPublisher(
                                    () -> ScriptedPublisher.failing(new byte[1024], error), -1);
                            return env.outcome(t.roundTrip(env.request(origin.uri("/upload")).method("PUT")
                                    .header("Idempotency-Key", "matrix-1").body(body).build()));
                        }),

                Fault.of("BODY_PUBLISHER_NEVER_COMPLETES", Area.WRITE, "on a pooled connection, the request body's "
                                + "publisher sends a first piece and then nothing, never completing; `Request.timeout` 500 ms")
                        .all(fails(WRITE_REQUEST).timeout().message("request timeout"))
                        .run(env -> {
                            Origin origin = env.origin();
                            Transport t = env.warmTransport(origin);
                            ScriptedPublisher body = ScriptedPublisher.stalling(new byte[1024]);
                            return env.outcome(t.roundTrip(env.request(origin.uri("/upload"))
                                    .post(RequestBody.ofPublisher(body, -1)).timeout(Env.WHOLE_CALL).build()));
                        }),

                Fault.of("EXPECT_CONTINUE_UNANSWERED", Area.WRITE, "a POST with `Expect: 100-continue` gets no "
                                + "interim 100; `expectContinueTimeout` 300 ms")
                        .all(succeeds("the body is sent after expectContinueTimeout"))
                        .run(env -> {
                            Origin origin = env.origin();
                            if (origin.h2 != null) {
                                origin.h2.ignoreExpectContinue(true);
                            }
                            origin.enqueue(ServerResponse.status(200).echoBody().expectContinue(ExpectMode.IGNORE),
                                    H2Response.status(200).echoBody());
                            Transport t = env.transport(b -> b.expectContinueTimeout(SHORT));
                            String echoed = env.text(t.roundTrip(env.request(origin.uri("/upload"))
                                    .header("Expect", "100-continue")
                                    .post(RequestBody.of("payload", StandardCharsets.UTF_8)).build()));
                            return Observed.succeeded(echoed.equals("payload")
                                    ? "the body is sent after expectContinueTimeout" : "the server got " + echoed,
                                    env.retries());
                        }));
    }
}
