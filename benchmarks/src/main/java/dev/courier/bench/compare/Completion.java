package dev.courier.bench.compare;

/** Called by a {@link ClientAdapter} exactly once per request, on whatever thread the client completes it. */
@FunctionalInterface
public interface Completion {
    /**
     * The request ended: {@code bodyBytes} response body bytes were read to the end and {@code error} is
     * null, or it failed with {@code error} (a status other than 200 is a failure too).
     */
    void complete(long bodyBytes, Throwable error);
}
