package dev.courier.http.opentelemetry;

import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * What the requests of one call share, carried from hop to hop as a request attribute: the context the
 * first hop was sent in (the parent of every hop's span: later hops are sent from an event loop, where
 * no context is current) and the count of requests resent so far (redirects and retries).
 */
final class TracedCall {
    private static final AtomicIntegerFieldUpdater<TracedCall> RESENDS =
            AtomicIntegerFieldUpdater.newUpdater(TracedCall.class, "resends");

    private final Context parent;
    @SuppressWarnings("unused") // through RESENDS
    private volatile int resends;

    TracedCall(Context parent) {
        this.parent = parent;
    }

    Context parent() {
        return parent;
    }

    /** The resend count of the next request of this call: 1 for the first resend. */
    int nextResend() {
        return RESENDS.incrementAndGet(this);
    }
}
