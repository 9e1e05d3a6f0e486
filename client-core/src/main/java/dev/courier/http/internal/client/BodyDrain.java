package dev.courier.http.internal.client;

import dev.courier.http.Response;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Ends a redirect response's body the way Go does before following: a body known to be small (up to
 * {@link #SLURP_LIMIT}, or of unknown length) is read up to that many bytes so its connection can be
 * reused, then the body is closed.
 */
final class BodyDrain {
    /** Go's {@code maxBodySlurpSize}. */
    static final int SLURP_LIMIT = 2 << 10;

    private BodyDrain() {
    }

    /** Completes (never exceptionally) once the body was drained or closed. */
    static CompletableFuture<Void> drainThenClose(Response response) {
        long length = response.body().contentLength();
        if (length > SLURP_LIMIT) {
            response.close();
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        response.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
            private Flow.Subscription subscription;
            private long read;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                read += item.remaining();
                if (read > SLURP_LIMIT) {
                    subscription.cancel(); // too long to be worth keeping the connection for
                    done.complete(null);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.complete(null);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        return done;
    }
}
