package dev.courier.http.internal;

import dev.courier.http.Response;
import java.util.concurrent.CompletableFuture;

/**
 * The future a round trip returns. Cancelling it aborts the exchange in whatever phase it is: queued
 * for a connection, dialing, writing, awaiting headers; once the response has arrived, {@code cancel}
 * closes its body (the response is still returned, as a completed future cannot change) so that a
 * caller who gives up mid-download releases the connection too.
 */
public final class ExchangeFuture extends CompletableFuture<Response> {
    /** What the exchange does when its caller gives up. */
    public interface Abortable {
        void abort(Throwable cause);
    }

    private final Abortable exchange;

    public ExchangeFuture(Abortable exchange) {
        this.exchange = exchange;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            exchange.abort(null);
        } else if (isDone() && !isCompletedExceptionally()) {
            Response r = getNow(null);
            if (r != null) {
                r.close();
            }
        }
        return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
