package dev.courier.http.internal;

import dev.courier.http.Http2Exception;
import dev.courier.http.Request;
import io.netty.handler.codec.http2.Http2Error;

/**
 * When a failed attempt may be sent again. A lost connection: Go's {@code shouldRetryRequest},
 * conservatively: only a reused connection that failed before a single response byte qualifies (the
 * server closed it while it sat idle), and then only if nothing of the request was written, or the
 * request is idempotent with a body that can be sent again; once. A stream the HTTP/2 server refused: as
 * Go's HTTP/2 transport, a bounded number of times with a backoff.
 */
final class Retries {
    /**
     * Retries of a request whose streams the server refused (RST_STREAM REFUSED_STREAM), as many as Go's
     * {@code http2Transport.RoundTripOpt} makes ({@code retry <= 6} after attempts 0 to 6: 8 attempts in all).
     */
    static final int MAX_REFUSED_RETRIES = 7;
    /** The backoff before the second retry of a refused stream; it doubles for each later one. Go waits 1 s. */
    static final long REFUSED_BACKOFF_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10);

    private Retries() {
    }

    /** Whether {@code cause} is the server refusing a stream it did not process (RFC 9113 section 8.7). */
    static boolean isRefusedStream(Throwable cause) {
        return cause instanceof Http2Exception && !((Http2Exception) cause).isGoAway()
                && ((Http2Exception) cause).errorCode() == Http2Error.REFUSED_STREAM.code();
    }

    /**
     * The wait before the {@code n}th retry of a refused stream (from 1): none for the first, as Go; then 10 ms
     * doubling (10 to 320 ms, 630 ms over all seven) with up to 10% jitter, where Go waits 1 s doubling (63 s):
     * a server refuses a stream mostly when it is at its stream limit, which clears as soon as one of the
     * connection's streams ends, and the request's own timeout bounds the whole in any case.
     */
    static long refusedBackoffNanos(int n) {
        if (n <= 1) {
            return 0;
        }
        long base = REFUSED_BACKOFF_NANOS << Math.min(n - 2, 20);
        return base + (long) (base * 0.1 * java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The reason the attempt may be retried, for the trace, or null when it must not be.
     *
     * @param reused         the connection had served an earlier request
     * @param answered       a response byte arrived (the server processed the request, or began to)
     * @param nothingWritten not a byte of the request reached the socket
     * @param bodyConsumed   the body's publisher was subscribed (a one-shot body is then used up)
     */
    static String reason(Request request, boolean reused, boolean answered, boolean nothingWritten, boolean bodyConsumed) {
        if (!reused || answered) {
            return null;
        }
        boolean replayable = request.body() == null || request.body().isReplayable();
        if (nothingWritten && (replayable || !bodyConsumed)) {
            return "nothing was written to a reused connection the server had closed";
        }
        if (isIdempotent(request) && replayable) {
            return "the server closed a reused connection before responding to an idempotent request";
        }
        return null;
    }

    /** RFC 9110 section 9.2.2's safe methods, or any request carrying an idempotency key (as Go accepts). */
    static boolean isIdempotent(Request request) {
        switch (request.method()) {
            case "GET":
            case "HEAD":
            case "OPTIONS":
            case "TRACE":
                return true;
            default:
                return request.headers().contains("Idempotency-Key") || request.headers().contains("X-Idempotency-Key");
        }
    }
}
