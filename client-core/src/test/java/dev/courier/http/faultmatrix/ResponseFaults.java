package dev.courier.http.faultmatrix;

import static dev.courier.http.RequestException.Phase.AWAIT_HEADERS;
import static dev.courier.http.RequestException.Phase.READ_BODY;
import static dev.courier.http.faultmatrix.Env.SHORT;
import static dev.courier.http.faultmatrix.Env.WHOLE_CALL;
import static dev.courier.http.faultmatrix.Outcome.fails;
import static dev.courier.http.faultmatrix.Outcome.succeeds;
import static dev.courier.http.faultmatrix.Proto.H1;
import static dev.courier.http.faultmatrix.Proto.H1_TLS;
import static dev.courier.http.faultmatrix.Proto.H2;

import dev.courier.http.Client;
import dev.courier.http.Response;
import dev.courier.http.Transport;
import dev.courier.http.faultmatrix.Env.Origin;
import dev.courier.http.faultmatrix.Fault.Area;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

/** Faults in the response: its head (resets, stalls, floods, sizes) and its body (cuts, lies, stalls, encodings). */
final class ResponseFaults {
    private static final String HEAD_CUT = "HTTP/1.1 200 OK\r\nContent-Le";
    /** A gzip member header, then a deflate block of the reserved type 3 (RFC 1951 section 3.2.3): corrupt. */
    private static final byte[] CORRUPT_GZIP = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    /** A zlib header (RFC 1950), then a deflate block of the reserved type 3. */
    private static final byte[] CORRUPT_DEFLATE = {0x78, (byte) 0x9c, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    private static final long BOMB_BYTES = 64L << 20;

    private ResponseFaults() {
    }

    static List<Fault> all() {
        return List.of(
                Fault.of("RESET_BEFORE_HEAD", Area.HEAD, "the server reads the request, then resets the connection "
                                + "(TCP RST) without a response byte; a new connection, so no retry")
                        .all(fails(AWAIT_HEADERS))
                        .run(env -> call(env, ServerResponse.ok("never").resetAfterBytes(0),
                                H2Response.ok("never").resetConnection())),

                Fault.of("CLOSE_BEFORE_HEAD", Area.HEAD, "the server reads the request, then closes the connection "
                                + "(FIN; over HTTP/2 without GOAWAY) without a response byte")
                        .all(fails(AWAIT_HEADERS))
                        .run(env -> call(env, ServerResponse.ok("never").closeAfterBytes(0),
                                H2Response.ok("never").closeConnection())),

                Fault.of("RESET_INSIDE_HEAD", Area.HEAD, "the server sends part of the response head, then resets "
                                + "the connection (HTTP/2: a HEADERS frame without END_HEADERS)")
                        .all(fails(AWAIT_HEADERS))
                        .run(env -> call(env, ServerResponse.status(200).raw(HEAD_CUT).resetAfterBytes(HEAD_CUT.length()),
                                H2Response.ok("never").cutInsideHeaders())),

                Fault.of("STALE_POOLED_CONNECTION", Area.HEAD, "the server closes an idle pooled connection just as "
                                + "it is reused: it reads the next GET and closes without a response byte")
                        .all(succeeds("the retry went to a new connection").retries(1))
                        .run(env -> {
                            Origin origin = env.origin();
                            origin.enqueue(ServerResponse.ok("warm"), H2Response.ok("warm"));
                            origin.enqueue(ServerResponse.ok("never").closeAfterBytes(0), H2Response.ok("never").closeConnection());
                            origin.enqueue(ServerResponse.ok("fresh"), H2Response.ok("fresh"));
                            Transport t = env.transport();
                            env.text(t.roundTrip(env.get(origin.uri("/warm-up"))));
                            Observed o = env.body(t.roundTrip(env.get(origin.uri("/reused"))));
                            return o.failure() != null ? o : Observed.succeeded(origin.connectionCount() == 2
                                    ? "the retry went to a new connection" : origin.connectionCount() + " connections",
                                    env.retries());
                        }),

                Fault.of("INFORMATIONAL_FLOOD", Area.HEAD, "the server sends 20 interim `103 Early Hints` responses "
                                + "before its final one")
                        .all(fails(AWAIT_HEADERS).message("too many 1xx"))
                        .run(env -> {
                            H2Response h2 = H2Response.ok("late");
                            for (int i = 0; i < 20; i++) {
                                h2 = h2.informational(103);
                            }
                            return call(env, ServerResponse.ok("late").informational(103, 20), h2);
                        }),

                Fault.of("HEADER_TOO_LARGE", Area.HEAD, "the response head carries 64 KiB of fields; "
                                + "`maxResponseHeaderBytes` 16 KiB (HTTP/2: SETTINGS_MAX_HEADER_LIST_SIZE)")
                        .all(fails(AWAIT_HEADERS).message("maxResponseHeaderBytes"))
                        .run(env -> {
                            Origin origin = env.origin().enqueue(ServerResponse.ok("big").hugeHeaders(64 * 1024),
                                    H2Response.ok("big").hugeHeaders(64 * 1024));
                            Transport t = env.transport(b -> b.maxResponseHeaderBytes(16 * 1024));
                            return env.outcome(t.roundTrip(env.get(origin.uri("/huge-head"))));
                        }),

                Fault.of("MALFORMED_STATUS_LINE", Area.HEAD, "the status line's code is not three digits")
                        .on(fails(AWAIT_HEADERS).message("malformed response head"), H1, H1_TLS)
                        .run(env -> call(env, ServerResponse.status(200).raw("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n"),
                                null)),

                Fault.of("HEAD_STALL_RESPONSE_HEADER_TIMEOUT", Area.HEAD, "the server reads the request and never "
                                + "answers; `responseHeaderTimeout` 300 ms")
                        .all(fails(AWAIT_HEADERS).timeout().message("responseHeaderTimeout"))
                        .run(env -> {
                            Origin origin = env.origin().enqueue(ServerResponse.ok("x").noResponse(),
                                    H2Response.ok("x").noResponse());
                            Transport t = env.transport(b -> b.responseHeaderTimeout(SHORT));
                            return env.outcome(t.roundTrip(env.get(origin.uri("/silent"))));
                        }),

                Fault.of("HEAD_STALL_REQUEST_TIMEOUT", Area.HEAD, "on a pooled connection, the server never answers; "
                                + "`Request.timeout` 500 ms")
                        .all(fails(AWAIT_HEADERS).timeout().message("request timeout"))
                        .run(env -> {
                            Origin origin = env.origin();
                            Transport t = env.warmTransport(origin);
                            origin.enqueue(ServerResponse.ok("x").noResponse(), H2Response.ok("x").noResponse());
                            return env.outcome(t.roundTrip(env.request(origin.uri("/silent")).timeout(WHOLE_CALL).build()));
                        }),

                Fault.of("HEAD_STALL_CLIENT_TIMEOUT", Area.HEAD, "on a pooled connection, the server never answers; "
                                + "`Client.timeout` 500 ms")
                        .all(fails(AWAIT_HEADERS).timeout().message("timeout"))
                        .run(env -> {
                            Origin origin = env.origin();
                            Transport t = env.warmTransport(origin);
                            origin.enqueue(ServerResponse.ok("x").noResponse(), H2Response.ok("x").noResponse());
                            Client client = Client.newBuilder().transport(t).timeout(WHOLE_CALL).build();
                            return env.outcome(client.send(env.get(origin.uri("/silent"))));
                        }),

                Fault.of("RESET_INSIDE_BODY", Area.BODY, "after the head, the server sends 4 KiB of a 10 KiB body and "
                                + "resets the connection (TCP RST)")
                        .all(fails(READ_BODY))
                        .run(env -> {
                            CompletableFuture<Void> gate = new CompletableFuture<>();
                            Origin origin = env.origin().enqueue(
                                    ServerResponse.status(200).body(new byte[10 * 1024]).bodyAfter(gate).resetInsideBody(4096),
                                    H2Response.status(200).body(new byte[10 * 1024]).bodyAfter(gate)
                                            .resetConnectionAfterBytes(4096));
                            Response r = env.response(env.transport().roundTrip(env.get(origin.uri("/cut"))));
                            gate.complete(null); // the head was read: now the body and the reset
                            return env.outcome(r.body().bytes());
                        }),

                Fault.of("CONTENT_LENGTH_LONGER_THAN_BODY", Area.BODY, "the head declares Content-Length 100, the "
                                + "body has 5 bytes, then the server closes (HTTP/2: ends the stream)")
                        .on(fails(READ_BODY).message("after 5 of 100 body bytes"), H1, H1_TLS)
                        .on(fails(READ_BODY).message("does not match content-length header 100"), H2)
                        .run(env -> body(env, ServerResponse.ok("hello").contentLength(100).closeConnection(),
                                H2Response.ok("hello").header("content-length", "100"))),

                Fault.of("CONTENT_LENGTH_SHORTER_THAN_BODY", Area.BODY, "the head declares Content-Length 5, the "
                                + "server sends 12 body bytes; then a second request")
                        .on(succeeds("the body ends at the declared 5 bytes; the connection is not reused"), H1, H1_TLS)
                        .on(fails(READ_BODY).message("does not match content-length header 5"), H2)
                        .run(env -> {
                            Origin origin = env.origin().enqueue(ServerResponse.ok("hello, world").contentLength(5),
                                    H2Response.ok("hello, world").header("content-length", "5"));
                            origin.enqueue(ServerResponse.ok("next"), H2Response.ok("next"));
                            Transport t = env.transport();
                            Observed first = env.body(t.roundTrip(env.get(origin.uri("/lying"))));
                            if (first.failure() != null) {
                                return first;
                            }
                            Observed second = env.body(t.roundTrip(env.get(origin.uri("/next"))));
                            if (second.failure() != null) {
                                return second.withEffect("the first body read \"" + first.effect() + "\"");
                            }
                            return Observed.succeeded(first.effect().equals("hello") && second.effect().equals("next")
                                    && origin.connectionCount() == 2
                                    ? "the body ends at the declared 5 bytes; the connection is not reused"
                                    : "bodies \"" + first.effect() + "\", \"" + second.effect() + "\" over "
                                            + origin.connectionCount() + " connections", env.retries());
                        }),

                Fault.of("TRUNCATED_CHUNK", Area.BODY, "a chunked body's first chunk declares 4096 bytes; the "
                                + "server closes after 94 of them")
                        .on(fails(READ_BODY).message("in the middle of the response body"), H1, H1_TLS)
                        .run(env -> body(env, ServerResponse.status(200).body(new byte[8192]).chunked(4096)
                                .closeInsideBody(100), null)),

                Fault.of("BAD_CHUNK_SIZE", Area.BODY, "a chunked body's second chunk-size line is not hexadecimal")
                        .on(fails(READ_BODY).message("invalid chunk size line"), H1, H1_TLS)
                        .run(env -> body(env, ServerResponse.ok("a chunked body").badChunk(), null)),

                Fault.of("DECOMPRESSION_BOMB", Area.BODY, "a 64 KiB gzip body that inflates to 64 MiB; "
                                + "`maxDecompressedBytes` 1 MiB")
                        .all(fails(READ_BODY).message("maxDecompressedBytes"))
                        .run(env -> {
                            Origin origin = env.origin().enqueue(ServerResponse.status(200).gzipBomb(BOMB_BYTES),
                                    H2Response.status(200).header("content-encoding", "gzip").body(Bomb.BYTES));
                            Transport t = env.transport(b -> b.maxDecompressedBytes(1 << 20));
                            return env.body(t.roundTrip(env.get(origin.uri("/bomb"))));
                        }),

                Fault.of("CORRUPT_GZIP", Area.BODY, "`Content-Encoding: gzip` over a deflate block of the reserved "
                                + "type")
                        .all(fails(READ_BODY).message("cannot decompress"))
                        .run(env -> body(env, ServerResponse.status(200).header("Content-Encoding", "gzip")
                                .body(CORRUPT_GZIP), H2Response.status(200).header("content-encoding", "gzip")
                                .body(CORRUPT_GZIP))),

                Fault.of("CORRUPT_DEFLATE", Area.BODY, "`Content-Encoding: deflate` over a zlib header and a block "
                                + "of the reserved type")
                        .all(fails(READ_BODY).message("cannot decompress"))
                        .run(env -> body(env, ServerResponse.status(200).header("Content-Encoding", "deflate")
                                .body(CORRUPT_DEFLATE), H2Response.status(200).header("content-encoding", "deflate")
                                .body(CORRUPT_DEFLATE))),

                Fault.of("BODY_STALL_REQUEST_TIMEOUT", Area.BODY, "on a pooled connection, the head arrives, the body "
                                + "never does; `Request.timeout` 500 ms")
                        .all(fails(READ_BODY).timeout().message("request timeout"))
                        .run(env -> {
                            Origin origin = env.origin();
                            Transport t = env.warmTransport(origin);
                            origin.enqueue(stalledBody(), H2Response.ok("never").bodyAfter(new CompletableFuture<>()));
                            return env.body(t.roundTrip(env.request(origin.uri("/stall")).timeout(WHOLE_CALL).build()));
                        }),

                Fault.of("BODY_STALL_CLIENT_TIMEOUT", Area.BODY, "on a pooled connection, the head arrives, the body "
                                + "never does; `Client.timeout` 500 ms")
                        .all(fails(READ_BODY).timeout().message("timeout"))
                        .run(env -> {
                            Origin origin = env.origin();
                            Transport t = env.warmTransport(origin);
                            origin.enqueue(stalledBody(), H2Response.ok("never").bodyAfter(new CompletableFuture<>()));
                            Client client = Client.newBuilder().transport(t).timeout(WHOLE_CALL).build();
                            return env.body(client.send(env.get(origin.uri("/stall"))));
                        }));
    }

    private static ServerResponse stalledBody() {
        return ServerResponse.ok("never").bodyAfter(new CompletableFuture<>());
    }

    /** A GET answered by {@code h1} or {@code h2}; the outcome of the call. */
    private static Observed call(Env env, ServerResponse h1, H2Response h2) throws Exception {
        Origin origin = env.origin().enqueue(h1, h2);
        return env.outcome(env.transport().roundTrip(env.get(origin.uri("/"))));
    }

    /** A GET answered by {@code h1} or {@code h2}; the outcome of the call and then of reading its body. */
    private static Observed body(Env env, ServerResponse h1, H2Response h2) throws Exception {
        Origin origin = env.origin().enqueue(h1, h2);
        return env.body(env.transport().roundTrip(env.get(origin.uri("/"))));
    }

    /** The gzip of 64 MiB of zeros (about 64 KiB), made once. */
    private static final class Bomb {
        static final byte[] BYTES = gzipOfZeros(BOMB_BYTES);

        private static byte[] gzipOfZeros(long size) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
                byte[] zeros = new byte[64 * 1024];
                for (long left = size; left > 0; left -= zeros.length) {
                    gz.write(zeros, 0, (int) Math.min(zeros.length, left));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }
}
