package dev.courier.http.reactor.internal;

import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * The Mono of {@code ReactiveClient.send}: each subscription sends the request through {@link Client#send}
 * and emits the response when both it arrived and the subscriber asked for it.
 *
 * <p>The response is a lease on a connection, so exactly one side owns it: the subscriber, once it was
 * emitted, or this Mono, which closes it when the subscriber cancelled before the emission (a response
 * that arrived after the cancellation included). {@code Mono.fromFuture} would cancel the future but
 * drop such a response, holding its connection until the garbage collector noticed.
 */
public final class ResponseMono extends Mono<Response> {
    private final Client client;
    private final Request request;

    /**
     * A Mono sending {@code request} with {@code client} once per subscription.
     *
     * @param client  the client to send with
     * @param request the request to send
     */
    public ResponseMono(Client client, Request request) {
        this.client = client;
        this.request = request;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Response> actual) {
        Exchange exchange = new Exchange(actual);
        actual.onSubscribe(exchange);
        if (exchange.cancelled) {
            return; // cancelled from onSubscribe: nothing was sent
        }
        CompletableFuture<Response> future;
        try {
            future = client.send(request);
        } catch (Throwable t) {
            exchange.accept(null, t);
            return;
        }
        exchange.start(future);
    }

    /**
     * One subscription: the race between the response, the request for it and a cancellation is settled by
     * {@link #settled}, which the side that emits, fails or gives up sets first.
     */
    private static final class Exchange implements Subscription, BiConsumer<Response, Throwable> {
        private final CoreSubscriber<? super Response> actual;
        /** Set once the subscriber was signalled or gave up: whoever sets it decides the response's owner. */
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile boolean requested;
        private volatile boolean cancelled;
        private volatile Response response;
        private volatile CompletableFuture<Response> future;

        Exchange(CoreSubscriber<? super Response> actual) {
            this.actual = actual;
        }

        void start(CompletableFuture<Response> f) {
            future = f;
            if (cancelled) {
                f.cancel(false); // cancel() ran before the future was known
            }
            f.whenComplete(this);
        }

        /** The future completed (on the connection's event loop, or the client's executor). */
        @Override
        public void accept(Response r, Throwable error) {
            if (error != null) {
                if (settled.compareAndSet(false, true)) {
                    actual.onError(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                }
                return; // cancelled: the subscriber asked for no more signals
            }
            response = r;
            if (cancelled) {
                r.close(); // the subscriber is gone, perhaps before cancel() could see the response
                return;
            }
            tryEmit();
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                if (settled.compareAndSet(false, true)) {
                    cancelFuture();
                    actual.onError(new IllegalArgumentException(
                            "request(" + n + "): demand must be positive (Reactive Streams rule 3.9)"));
                }
                return;
            }
            requested = true;
            tryEmit();
        }

        private void tryEmit() {
            Response r = response;
            if (r != null && requested && settled.compareAndSet(false, true)) {
                actual.onNext(r);
                actual.onComplete();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (settled.compareAndSet(false, true)) {
                cancelFuture();
                Response r = response;
                if (r != null) {
                    // Arrived but never emitted. Client.send's future closes such a response on cancel too; closing
                    // here keeps the rule whatever future it was (close is idempotent, accept() may close it as well).
                    r.close();
                }
            }
        }

        private void cancelFuture() {
            CompletableFuture<Response> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
