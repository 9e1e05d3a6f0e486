package dev.courier.http.internal;

import dev.courier.http.Request;

/**
 * When a failed attempt may be sent again on a fresh connection: Go's {@code shouldRetryRequest},
 * conservatively. Only a reused connection that failed before a single response byte qualifies (the
 * server closed it while it sat idle), and then only if nothing of the request was written, or the
 * request is idempotent with a body that can be sent again.
 */
final class Retries {
    private Retries() {
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
