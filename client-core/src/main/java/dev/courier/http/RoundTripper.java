package dev.courier.http;

import java.util.concurrent.CompletableFuture;

/**
 * Executes a single HTTP exchange: one request, one response. This is the contract between the
 * {@link Client} (policy) and the {@link Transport} (mechanism), as in Go's {@code net/http}.
 *
 * <ul>
 *   <li>Any response the server sends, whatever its status, completes the future normally; only a
 *       failure to obtain a response (validation, connection, protocol, timeout, cancellation) completes
 *       it exceptionally, with a {@link RequestException}.
 *   <li>No redirects are followed, no cookies handled, no authentication added: those are the Client's.
 *   <li>The request body is consumed (or not) exactly once per attempt; a round tripper may retry only
 *       with a replayable body.
 *   <li>The caller owns the response and must read its body to the end or {@link Response#close()} it;
 *       either releases the connection.
 *   <li>The returned future may be cancelled at any time; cancellation aborts the exchange.
 * </ul>
 *
 * Middleware wraps one round tripper in another.
 */
@FunctionalInterface
public interface RoundTripper {
    /**
     * Performs one exchange under the contract above.
     *
     * @param request the request to send; a round tripper must not change it (derive a new one with
     *     {@link Request#toBuilder()})
     * @return a future completed with the response once its head arrived, or with a {@link RequestException}
     */
    CompletableFuture<Response> roundTrip(Request request);
}
