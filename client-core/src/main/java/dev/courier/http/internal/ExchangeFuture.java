package dev.courier.http.internal;

import dev.courier.http.Response;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The future a round trip returns. Cancelling it aborts the exchange in whatever phase it is: queued
 * for a connection, dialing, writing, awaiting headers; once the response has arrived, {@code cancel}
 * closes its body (the response is still returned, as a completed future cannot change) so that a
 * caller who gives up mid-download releases the connection too.
 *
 * <p>{@link #listen} registers the one callback Courier's own {@code Client} needs without the two
 * objects per call that {@code whenComplete} allocates (a completion node and the future it returns).
 */
public final class ExchangeFuture extends CompletableFuture<Response> {
    /** What the exchange does when its caller gives up. */
    public interface Abortable {
        void abort(Throwable cause);
    }

    private static final VarHandle LISTENER;

    static {
        try {
            LISTENER = MethodHandles.lookup().findVarHandle(ExchangeFuture.class, "listener", BiConsumer.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Abortable exchange;
    /** Called once with the outcome, then cleared; see {@link #listen}. */
    @SuppressWarnings("unused") // through LISTENER
    private volatile BiConsumer<? super Response, ? super Throwable> listener;

    public ExchangeFuture(Abortable exchange) {
        this.exchange = exchange;
    }

    /**
     * Calls {@code callback} once when this future completes, as {@code whenComplete(callback)} would,
     * on the completing thread (the caller's, if it already has); for one callback per future only.
     */
    public void listen(BiConsumer<? super Response, ? super Throwable> callback) {
        if (!isDone()) {
            listener = callback;
            // Completed meanwhile: whichever of the completing thread and this one takes the listener calls it.
            if (!isDone() || !LISTENER.compareAndSet(this, callback, null)) {
                return;
            }
        }
        whenComplete(callback); // done already: the outcome is read the ordinary way (rare)
    }

    @SuppressWarnings("unchecked")
    private void notifyListener(Response response, Throwable error) {
        BiConsumer<? super Response, ? super Throwable> l =
                (BiConsumer<? super Response, ? super Throwable>) LISTENER.getAndSet(this, null);
        if (l != null) {
            l.accept(response, error);
        }
    }

    @Override
    public boolean complete(Response response) {
        boolean completed = super.complete(response);
        if (completed) {
            notifyListener(response, null);
        }
        return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable error) {
        boolean completed = super.completeExceptionally(error);
        if (completed) {
            notifyListener(null, error);
        }
        return completed;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            notifyListener(null, new CancellationException());
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
