package dev.courier.http.internal;

import dev.courier.http.ClientTrace;
import dev.courier.http.Http2Exception;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.RouteKey;
import dev.courier.http.internal.body.ResponseBodyImpl;
import dev.courier.http.internal.body.ResponseImpl;
import dev.courier.http.internal.dial.DialException;
import dev.courier.http.internal.h2.Http2Connection;
import dev.courier.http.internal.h2.Http2Stream;
import dev.courier.http.internal.pool.PoolException;
import dev.courier.http.internal.pool.PoolRequest;
import dev.courier.http.internal.pool.PooledConnection;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request's way through the Transport (Go's {@code transportRequest} and the retry loop of
 * {@code Transport.roundTrip}): the caller's future, the request's deadline, getting a connection from
 * the pool, and what a failed attempt leads to (one retry when Go's rules allow, a few for a stream the
 * server refused, else the failed future). The protocol work of an attempt is done elsewhere: by an
 * {@link Http2Stream} on an HTTP/2 connection, and on HTTP/1.1 by the subclass ({@code Http1Exchange})
 * with its connection's request writer and response decoder. One object per request either way.
 *
 * <p>Threads: created on the caller's thread; once a connection is acquired every step runs on that
 * connection's event loop. Cancellation and the deadline may fire on any thread and hop to the loop.
 */
public abstract class Exchange extends PoolRequest implements ExchangeFuture.Abortable, Runnable, ExchangeOwner {
    protected final TransportContext ctx;
    protected final Request request;
    protected final RouteKey route;
    protected final ClientTrace trace;
    /**
     * Until the response is delivered; then cleared, because the completed future holds the Response and
     * the exchange stays reachable from the channel while the body streams: keeping it would stop a
     * dropped Response from ever being collected, and so from being detected as leaked.
     */
    private volatile ExchangeFuture future;
    /** When the request's timeout expires ({@link System#nanoTime}); meaningful only if {@link #deadlineState} is not NO_DEADLINE. */
    private long deadlineNanos;
    /** NO_DEADLINE, UNARMED, ARMED or DISARMED; see {@link #armDeadline}. */
    private volatile int deadlineState;
    private volatile ScheduledFuture<?> deadlineTimer;

    protected volatile EventLoop loop;
    // handed from onAcquired's thread to the loop through execute(), which orders the writes before run()
    private PooledConnection pendingConn;
    private boolean pendingReused;
    private long pendingIdleNanos;
    protected volatile boolean aborted;
    /** The current attempt's request is wholly written: set on the loop, read by {@link #abort} on any thread. */
    private volatile boolean requestSent;

    // event-loop confined once a connection is acquired
    protected PooledConnection conn;
    protected boolean reused;
    protected long idleNanos;
    /** 0 for the first attempt; a byte: an exchange object is per request. */
    protected byte attempt;
    /** How many of the retries were for refused HTTP/2 streams. */
    private byte refusals;
    /** The attempt when the connection speaks HTTP/2. */
    private Http2Stream stream;

    protected Exchange(TransportContext ctx, Request request, RouteKey route, ClientTrace trace) {
        this.ctx = ctx;
        this.request = request;
        this.route = route;
        this.trace = trace;
        this.future = new ExchangeFuture(this);
    }

    /** Starts the exchange and returns its future. */
    public ExchangeFuture start() {
        ExchangeFuture f = future;
        Duration timeout = request.timeout();
        if (timeout != null) {
            deadlineNanos = System.nanoTime() + timeout.toNanos();
            deadlineState = UNARMED;
        }
        if (trace != null) {
            trace.getConn(route.hostPort());
        }
        ctx.pool().acquire(route, this);
        if (timeout != null && loop == null) {
            // No connection yet: the request waits for a dial or a release, and its deadline must run meanwhile.
            armDeadline(ctx.timerExecutor());
        }
        return f;
    }

    @Override
    public Request request() {
        return request;
    }

    /** The id of the connection the current attempt runs on, or "-" before it has one; read on the loop. */
    public String connectionId() {
        PooledConnection c = conn;
        return c == null ? "-" : c.id();
    }

    /** "[c12] GET http://..." (connection id, method, URL without password): how log lines name the exchange. */
    @Override
    public String toString() {
        return "[" + connectionId() + "] " + request;
    }

    public TransportContext context() {
        return ctx;
    }

    @Override
    public ClientTrace trace() {
        return trace;
    }

    public RouteKey route() {
        return route;
    }

    /** The loop of the connection in use (null before one is acquired). */
    public EventLoop eventLoop() {
        return loop;
    }

    // ---- acquisition (any thread) ----

    @Override
    protected void onAcquired(PooledConnection connection, boolean reused, long idleNanos) {
        EventLoop l = connection.channel().eventLoop();
        loop = l;
        if (isDone() || aborted) {
            ctx.pool().release(connection, true);
            return;
        }
        if (l.inEventLoop()) {
            begin(connection, reused, idleNanos);
        } else {
            // The exchange itself is the task that hops onto the loop: no lambda per request.
            pendingConn = connection;
            pendingReused = reused;
            pendingIdleNanos = idleNanos;
            l.execute(this);
        }
    }

    /** Runs {@link #begin} on the loop with the connection {@link #onAcquired} parked here. */
    @Override
    public void run() {
        PooledConnection c = pendingConn;
        pendingConn = null;
        begin(c, pendingReused, pendingIdleNanos);
    }

    @Override
    protected void onAcquireFailed(Throwable cause) {
        Phase phase = Phase.CONNECT;
        boolean timeout = false;
        if (cause instanceof PoolException) {
            PoolException pe = (PoolException) cause;
            phase = pe.isClosed() ? Phase.CLOSED : Phase.POOL_WAIT;
            timeout = pe.isTimeout();
        } else if (cause instanceof DialException) {
            phase = ((DialException) cause).phase();
            timeout = ((DialException) cause).isTimeout();
        }
        complete(new RequestException(request.method(), request.redactedUri(), phase, null, cause, timeout));
    }

    @Override
    public ClientTrace dialTrace() {
        return trace;
    }

    @Override
    public Object dialedFor() {
        return request;
    }

    // ---- an attempt, on the loop ----

    private void begin(PooledConnection connection, boolean reused, long idleNanos) {
        if (isDone() || aborted) {
            ctx.pool().release(connection, true);
            return;
        }
        this.conn = connection;
        this.reused = reused;
        this.idleNanos = Math.max(0, idleNanos);
        Channel ch = connection.channel();
        if (deadlineState == UNARMED) {
            armDeadline(ch.eventLoop());
        }
        if (reused && ConnectionEvents.isDebugEnabled()) {
            ConnectionEvents.reused(connection, request, idleNanos);
        }
        if (trace != null) {
            boolean wasIdle = reused && idleNanos >= 0;
            trace.gotConn(new ClientTrace.ConnInfo(connection.id(), reused, wasIdle, Duration.ofNanos(Math.max(0, idleNanos)),
                    ch.localAddress(), ch.remoteAddress()));
        }
        if (!(connection.protocolHandler() instanceof Http2Connection)) {
            beginHttp1(connection, ch);
        } else if (ch.isActive()) {
            stream = new Http2Stream(this, ctx, connection);
            stream.start();
        } else {
            // The server closed it between the pool's check and now: nothing was written.
            ctx.pool().release(connection, false);
            conn = null;
            attemptFailed(Phase.WRITE_REQUEST, new ClosedChannelException(), false,
                    staleConnectionRetryReason(false, true, false));
        }
    }

    /** Runs the attempt on an HTTP/1.1 connection ({@link #conn}), which may have closed since the pool checked it. */
    protected abstract void beginHttp1(PooledConnection connection, Channel channel);

    /** Forgets the HTTP/1.1 attempt's state before a retry. */
    protected abstract void resetHttp1Attempt();

    /** The caller gave up or the deadline passed while an HTTP/1.1 attempt runs: end it, failing the body if any. */
    protected abstract void abortHttp1(Throwable cause, boolean timeout);

    /**
     * Whether the one retry after a lost connection (or an HTTP/2 stream a GOAWAY left unprocessed) is still
     * possible: not used yet, not timed out, not abandoned by the caller. Refused streams have a budget of their own.
     */
    protected final boolean mayRetry(boolean timeout) {
        return attempt - refusals == 0 && !timeout && !aborted && !isDone();
    }

    /**
     * Tries again (the caller has checked the budget and told the trace): after an HTTP/1.1 attempt on a
     * connection dialed for it (the other idle ones may be stale too); after an HTTP/2 one on any connection
     * but the one that failed, which a GOAWAY retired or which is gone.
     */
    protected final void retry() {
        PooledConnection previous = conn;
        forgetAttempt();
        if (previous != null && previous.protocolHandler() instanceof Http2Connection) {
            ctx.pool().acquireAgain(route, this, previous, false);
        } else {
            ctx.pool().acquireNew(route, this);
        }
    }

    private void forgetAttempt() {
        attempt++;
        requestSent = false;
        conn = null;
        stream = null;
        reused = false;
        idleNanos = 0;
        resetHttp1Attempt();
    }

    /** Retries for {@code retryReason} if non-null (telling the trace), else fails the caller's future with {@code error}. */
    protected final void retryOrFail(RequestException error, String retryReason) {
        if (retryReason != null) {
            if (trace != null) {
                trace.retrying(attempt + 1, error, retryReason);
            }
            retry();
            return;
        }
        complete(error);
    }

    /**
     * The server refused the HTTP/2 stream (RST_STREAM REFUSED_STREAM: it did not process it). As Go's
     * {@code http2Transport.RoundTripOpt}: retried on the same connection while it takes streams (the pool
     * gives another only if it does not), up to {@link Retries#MAX_REFUSED_RETRIES} times with a backoff, then
     * failed naming REFUSED_STREAM.
     */
    private void streamRefused(Phase phase, Http2Exception cause, String retryReason) {
        RequestException error = exception(phase, null, cause, false);
        if (aborted || isDone()) {
            complete(error);
            return;
        }
        if (refusals >= Retries.MAX_REFUSED_RETRIES) {
            complete(exception(phase, cause.getMessage() + "; refused " + (refusals + 1)
                    + " times, not retried again", cause, false));
            return;
        }
        refusals++;
        if (trace != null) {
            trace.retrying(attempt + 1, error, retryReason);
        }
        PooledConnection previous = conn;
        forgetAttempt();
        ctx.pool().acquireAgainAfter(Retries.refusedBackoffNanos(refusals), route, this, previous);
    }

    // ---- the caller's future ----

    /** Whether the caller's future is complete (or was handed its response). */
    protected final boolean isDone() {
        ExchangeFuture f = future;
        return f == null || f.isDone();
    }

    protected final void complete(RequestException error) {
        cancelDeadline();
        ExchangeFuture f = future;
        if (f != null) {
            f.completeExceptionally(error);
        }
    }

    protected final void complete(ResponseImpl response) {
        long start = System.nanoTime();
        ExchangeFuture f = future;
        future = null;
        boolean delivered = f != null && f.complete(response);
        SlowCallbacks.check(start, "completing the response future", this);
        if (delivered) {
            ((ResponseBodyImpl) response.body()).watchIfUnclaimed();
        } else {
            // Cancelled or timed out a moment ago: nobody will read this body.
            response.close();
        }
    }

    // ---- ExchangeOwner: what an HTTP/2 stream reports ----

    @Override
    public void requestSent() {
        requestSent = true;
    }

    @Override
    public void deliver(ResponseImpl response) {
        complete(response);
    }

    @Override
    public void bodyEnded() {
        cancelDeadline();
    }

    @Override
    public void attemptFailed(Phase phase, Throwable cause, boolean timeout, String retryReason) {
        if (retryReason != null && !timeout && Retries.isRefusedStream(cause)) {
            streamRefused(phase, (Http2Exception) cause, retryReason);
            return;
        }
        retryOrFail(exception(phase, null, cause, timeout), mayRetry(timeout) ? retryReason : null);
    }

    @Override
    public String staleConnectionRetryReason(boolean answered, boolean nothingWritten, boolean bodyStarted) {
        return Retries.reason(request, reused, answered, nothingWritten, bodyStarted);
    }

    @Override
    public boolean isAbandoned() {
        return aborted || isDone();
    }

    @Override
    public RequestException exception(Phase phase, String detail, Throwable cause, boolean timeout) {
        return new RequestException(request.method(), request.redactedUri(), phase, detail, cause, timeout,
                conn == null ? null : conn.id(), reused, reused ? Duration.ofNanos(idleNanos) : null);
    }

    // ---- deadline and cancellation ----

    /*
     * The deadline's timer runs on the loop of the request's connection, armed when the exchange begins there:
     * arming it and cancelling it when the body ends are then plain calls on that loop. A timer on any other
     * loop makes that loop's thread wake up for every request to queue the timer, and work again to drop it
     * (issue 13: a third of the CPU of a keep-alive GET, when the loops ran on different CPUs). Only a request
     * that has to wait for a connection arms it before, on the caller's loop if it is one of the transport's,
     * else on the transport's timer loop (see TransportContext#timerExecutor); it stays there for the request.
     *
     * deadlineState makes arming happen once although start (waiting) and begin (a connection came at once,
     * or from another thread while start was still returning) may race for it, and makes a cancel that comes
     * first win: UNARMED -> ARMED by the one arming, any -> DISARMED by cancelDeadline.
     */
    private static final int NO_DEADLINE = 0;
    private static final int UNARMED = 1;
    private static final int ARMED = 2;
    private static final int DISARMED = 3;
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Exchange> DEADLINE_STATE =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Exchange.class, "deadlineState");

    /** Starts the deadline's timer on {@code executor} unless it runs already or the exchange ended. */
    private void armDeadline(io.netty.util.concurrent.EventExecutor executor) {
        if (!DEADLINE_STATE.compareAndSet(this, UNARMED, ARMED)) {
            return;
        }
        ScheduledFuture<?> t = executor.schedule(this::deadlineExpired, deadlineNanos - System.nanoTime(),
                TimeUnit.NANOSECONDS);
        deadlineTimer = t;
        if (deadlineState == DISARMED) {
            t.cancel(false); // the exchange ended while the timer was being armed
        }
    }

    protected final void cancelDeadline() {
        int state = deadlineState;
        if (state == NO_DEADLINE || state == DISARMED) {
            return;
        }
        if (DEADLINE_STATE.getAndSet(this, DISARMED) == ARMED) {
            ScheduledFuture<?> t = deadlineTimer;
            if (t != null) {
                deadlineTimer = null;
                t.cancel(false);
            }
        }
    }

    private void deadlineExpired() {
        deadlineTimer = null;
        abort(new TimeoutException("request timeout " + request.timeout() + " expired"));
    }

    /** Cancellation (cause null) or the request timeout, from any thread. */
    @Override
    public void abort(Throwable cause) {
        aborted = true;
        boolean timeout = cause instanceof TimeoutException;
        ExchangeFuture f = future;
        if (f != null && !f.isDone()) {
            // No connection yet: waiting for one; else writing the request until it is all sent, then awaiting headers.
            Phase phase = loop == null ? Phase.POOL_WAIT : requestSent ? Phase.AWAIT_HEADERS : Phase.WRITE_REQUEST;
            f.completeExceptionally(new RequestException(request.method(), request.redactedUri(),
                    phase, cause == null ? "cancelled" : cause.getMessage(),
                    cause == null ? new CancellationException("cancelled by the caller") : cause, timeout));
        }
        // Out of the pool's queue (or a retry's backoff) if it waits there; a dial it started still completes.
        ctx.pool().cancel(this);
        EventLoop l = loop;
        if (l != null) {
            l.execute(() -> abortOnLoop(cause, timeout));
        }
    }

    private void abortOnLoop(Throwable cause, boolean timeout) {
        if (stream != null) {
            stream.abort(cause, timeout);
        } else if (conn != null) {
            abortHttp1(cause, timeout);
        }
    }
}
