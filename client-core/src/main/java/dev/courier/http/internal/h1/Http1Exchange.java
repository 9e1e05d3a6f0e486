package dev.courier.http.internal.h1;

import dev.courier.http.ClientTrace;
import dev.courier.http.ConnectionListener.CloseReason;
import dev.courier.http.Headers;
import dev.courier.http.Protocol;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.RouteKey;
import dev.courier.http.internal.Exchange;
import dev.courier.http.internal.PipelineNames;
import dev.courier.http.internal.TransportContext;
import dev.courier.http.internal.body.BodySource;
import dev.courier.http.internal.body.BodyStream;
import dev.courier.http.internal.body.ResponseBodyImpl;
import dev.courier.http.internal.body.ResponseImpl;
import dev.courier.http.internal.pool.PooledConnection;
import dev.courier.http.internal.proxy.ProxyEndpoint;
import dev.courier.http.internal.proxy.ProxyHandshakeException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.Decompressor;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * An {@link Exchange} with its HTTP/1.1 attempt (Go's {@code persistConn.roundTrip} with its read and
 * write loops): writes the request through the connection's {@link RequestWriter}, reads the response
 * head, then feeds the body to its {@link BodyStream} as the consumer demands, and finally returns the
 * connection to the pool only if both halves ended cleanly (DESIGN invariant 1). Every exchange is one
 * of these (one object per request); on an HTTP/2 connection the base class hands the attempt to an
 * {@link dev.courier.http.internal.h2.Http2Stream} and the fields here stay unused.
 *
 * <p>Event-loop confined once a connection is acquired; see {@link Exchange} for the threads before.
 */
public final class Http1Exchange extends Exchange implements BodySource {
    /** Go's {@code max1xxResponses}: a server sending more interim responses than this is broken. */
    static final int MAX_INFORMATIONAL = 5;
    /** A body remainder at most this large is drained on close to keep the connection (Go slurps 2 KiB). */
    static final int DRAIN_LIMIT = 2048;
    private static final long DRAIN_TIMEOUT_MS = 1000;

    // event-loop confined, for the HTTP/1.1 attempt on conn
    private Http1Connection handler;
    private boolean proxyChallenged;
    /** The connection's writer, bound to this exchange while an HTTP/1.1 attempt has its connection; else null. */
    private RequestWriter writer;
    private boolean headersReceived;
    private boolean anyResponseByte;
    private boolean responseComplete;
    private boolean keepAlive;
    private boolean draining;
    private boolean finished;
    private boolean upgraded;
    private byte informational;
    private BodyStream body;
    private long bodyExpected = -1;
    private long bodyReceived;
    private ScheduledFuture<?> headerTimer;
    /** Why the connection is not reused, the first time that was decided in this attempt; null while it may be. */
    private CloseReason closeReason;
    private Throwable closeCause;

    public Http1Exchange(TransportContext ctx, Request request, RouteKey route, ClientTrace trace) {
        super(ctx, request, route, trace);
    }

    @Override
    protected void beginHttp1(PooledConnection connection, Channel ch) {
        this.handler = (Http1Connection) connection.protocolHandler();
        if (!ch.isActive()) {
            // The server closed it between the pool's check and now: nothing was written.
            failBeforeResponse(Phase.WRITE_REQUEST, new ClosedChannelException(), false, true);
            return;
        }
        writer = handler.begin(this);
        writer.write(handler.context());
        ch.read();
    }

    Channel channel() {
        return conn.channel();
    }

    /** The request, body included, is fully on the wire: start the response header timer. */
    void onRequestWritten() {
        requestSent();
        if (ctx.responseHeaderTimeoutNanos() > 0 && !headersReceived && !finished) {
            headerTimer = loop.schedule(this::headerTimeout, ctx.responseHeaderTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
        // A response that ended before the request did has already closed the connection (see onContent).
    }

    /** Writing failed; {@code nothingWritten} when not a byte of the request reached the socket. */
    void onWriteFailed(Throwable cause, boolean nothingWritten) {
        if (finished) {
            return;
        }
        if (!headersReceived) {
            failBeforeResponse(Phase.WRITE_REQUEST, cause, false, nothingWritten);
        } else {
            // The server already answered; its response stands, and the body keeps arriving, but the
            // connection is done for: it closes when the response ends.
            notReusable(CloseReason.ERROR, cause);
        }
    }

    /** The request body's publisher failed (see {@link RequestWriter}): never retried, the response stands if any. */
    void onBodyFailed(java.io.IOException cause) {
        if (finished) {
            return;
        }
        if (!headersReceived) {
            failBeforeResponse(Phase.WRITE_REQUEST, cause, false, false, false);
        } else {
            notReusable(CloseReason.ERROR, cause); // the server answered already; the connection closes when its response ends
        }
    }

    void onInbound(Object msg) {
        if (finished) {
            ResponseHead.release(msg);
            return;
        }
        if (msg instanceof ByteBuf) {
            onBodyBytes((ByteBuf) msg);
        } else if (msg instanceof Http1ResponseDecoder.End) {
            Http1ResponseDecoder.End end = (Http1ResponseDecoder.End) msg;
            if (end.excess) {
                notReusable(CloseReason.PROTOCOL_ERROR, null); // the server sent more than the response: its framing cannot be trusted
            }
            onEnd(end.trailers);
        } else if (msg instanceof ResponseHead) {
            onResponseHead((ResponseHead) msg);
        } else if (msg instanceof Http1ResponseDecoder.Failure) {
            onFailure((Http1ResponseDecoder.Failure) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onFailure(Http1ResponseDecoder.Failure failure) {
        Throwable cause = failure.cause;
        notReusable(CloseReason.PROTOCOL_ERROR, cause);
        if (failure.inHead && !headersReceived) {
            failBeforeResponse(Phase.AWAIT_HEADERS, ContentDecoding.headFailure(cause),
                    false, !(cause instanceof TooLongFrameException));
        } else {
            failBody(ContentDecoding.malformed("malformed response body: " + cause.getMessage(), cause));
        }
    }

    private void onResponseHead(ResponseHead head) {
        int status = head.status;
        if (status == 407 && ProxyEndpoint.sendsAbsoluteForm(route)) {
            ResponseHead.release(head); // a small 407's body may travel with its head
            onProxyChallenge(head);
            return;
        }
        if (head.isInformational()) {
            onInformational(head, status);
            return;
        }
        headersReceived = true;
        cancelHeaderTimer();
        writer.onFinalResponse();
        upgraded = status == 101;
        boolean bodiless = isHeadRequest() || status == 204 || status == 304;
        keepAlive = head.persistent && !ctx.disableKeepAlives()
                && !writer.sentConnectionClose()
                && !(head.readsUntilClose() && !bodiless);
        if (head.keepAliveSeconds > 0 && keepAlive) {
            applyKeepAliveTimeout(head.keepAliveSeconds);
        }
        if (!keepAlive && !upgraded) {
            // Recorded now: the server may close its end before this exchange closes ours.
            notReusable(CloseReason.CONNECTION_CLOSE, null);
            conn.closing(CloseReason.CONNECTION_CLOSE, null, request);
        }
        Decompressor decompressor = null;
        if (writer.addedAcceptEncoding() && !upgraded) {
            decompressor = ContentDecoding.decompressorFor(head.contentCoding, channel().alloc());
        }
        boolean uncompressed = decompressor != null;
        long declared = head.contentLength;
        bodyExpected = upgraded ? -1 : declared;
        long visibleLength = uncompressed ? -1 : declared;
        if (bodiless) {
            visibleLength = 0;
            bodyExpected = 0;
        }
        body = new BodyStream(this, visibleLength, decompressor, ctx.maxDecompressedBytes());
        ResponseBodyImpl publicBody = new ResponseBodyImpl(body, head.charset);
        head.stripEncoding = uncompressed;
        Protocol protocol = head.http10 ? Protocol.HTTP_1_0 : Protocol.HTTP_1_1;
        ResponseImpl r = new ResponseImpl(request, status, head.reason, protocol, head, publicBody, uncompressed,
                conn.id());
        r.tlsSession(handler.tlsSession());
        if (upgraded) {
            keepAlive = false;
            cancelDeadline(); // the caller owns the connection now; its lifetime is theirs
            handler.context().pipeline().remove(PipelineNames.CODEC);
            ctx.pool().detach(conn);
            r.upgraded(new Upgraded(conn.channel()));
        }
        complete(r);
        ByteBuf whole = head.takeBody();
        if (whole != null) {
            if (finished) {
                whole.release(); // the caller gave up in the completion callback
            } else {
                onBodyBytes(whole);
            }
        }
        if (head.complete && !finished) {
            onEnd(Headers.empty());
        }
    }

    /**
     * The HTTP proxy answered 407 to an absolute-form request: with credentials in the proxy URL, the
     * challenge is answered once (Basic) on a fresh connection if the body can be sent again; otherwise,
     * or at the second 407, the request fails in {@link Phase#PROXY}. The connection is closed either way.
     */
    private void onProxyChallenge(ResponseHead head) {
        ProxyEndpoint proxy = ProxyEndpoint.of(route.proxy());
        boolean replayable = request.body() == null || request.body().isReplayable() || !bodyStarted();
        PooledConnection c = conn;
        boolean wasReused = reused;
        long wasIdle = idleNanos;
        notReusable(CloseReason.NOT_REUSABLE, null);
        finishConnection();
        RequestException error = new RequestException(request.method(), request.redactedUri(), Phase.PROXY,
                "proxy " + proxy + " answered " + head.status + " " + head.reason + "; "
                        + ProxyHandshakeException.authHint(proxy), null, false,
                c.id(), wasReused, wasReused ? Duration.ofNanos(wasIdle) : null);
        boolean answer = proxy.hasCredentials() && !proxyChallenged && replayable && !aborted && !isDone();
        proxyChallenged |= answer;
        retryOrFail(error, answer ? "the proxy answered 407: sending the proxy URL's credentials once more" : null);
    }

    /** Whether the request is a HEAD, whose response never has a body. */
    boolean isHeadRequest() {
        return request.method().equals("HEAD");
    }

    private void onInformational(ResponseHead head, int status) {
        if (status == 100) {
            if (trace != null) {
                trace.got100Continue();
            }
            writer.onContinue();
        } else {
            if (trace != null) {
                trace.got1xxResponse(status, head.toHeaders(false));
            }
        }
        if (++informational > MAX_INFORMATIONAL) {
            notReusable(CloseReason.PROTOCOL_ERROR, null);
            failBeforeResponse(Phase.AWAIT_HEADERS, new java.io.IOException("too many 1xx informational responses (more than "
                    + MAX_INFORMATIONAL + ")"), false, false);
        }
    }

    private void onBodyBytes(ByteBuf data) {
        if (body == null) {
            data.release();
            return;
        }
        if (upgraded) {
            body.onData(data); // raw bytes of the new protocol
            return;
        }
        bodyReceived += data.readableBytes();
        if (draining) {
            data.release(); // the consumer closed the body; we read the small rest only to keep the connection
        } else {
            body.onData(data);
        }
    }

    private void onEnd(Headers trailers) {
        if (body == null || upgraded) {
            return;
        }
        responseComplete = true;
        boolean wasDraining = draining;
        if (!requestWritten()) {
            notReusable(CloseReason.NOT_REUSABLE, null); // the response finished before the request: the connection cannot be reused
        }
        finishConnection();
        cancelDeadline();
        if (!wasDraining) {
            body.onEnd(trailers);
        }
    }

    /** Bytes of the response arrived (not yet decoded): from now on the request is never retried. */
    void onResponseBytes() {
        if (!anyResponseByte && !finished) {
            anyResponseByte = true;
            if (trace != null) {
                trace.gotFirstResponseByte();
            }
        }
    }

    void onReadComplete() {
        if (finished) {
            return;
        }
        if (!headersReceived || draining || body == null) {
            conn.channel().read();
        }
        // While the body is being consumed, reads are issued by demand() only.
    }

    void onWritable() {
        writer.onWritable();
    }

    /** An exception reached the connection; true when it was the failure of the writer's promise-less write. */
    boolean onWriteException(Throwable cause) {
        return !finished && writer.onWriteException(cause);
    }

    /** The connection closed (cause null) or failed under this exchange. */
    void onConnectionClosed(Throwable cause) {
        if (finished) {
            return;
        }
        if (upgraded) {
            finished = true;
            cancelDeadline();
            if (cause == null) {
                body.onEnd(Headers.empty());
            } else {
                body.onError(exception(Phase.READ_BODY, null, cause, false));
            }
            return;
        }
        if (!headersReceived) {
            javax.net.ssl.SSLException tls = sslCause(cause);
            if (tls != null) {
                // With TLS 1.3 the client's handshake completes before the server checks it (a required
                // client certificate, for one): the server's alert arrives with the first response bytes.
                failBeforeResponse(Phase.TLS, new java.io.IOException("TLS failed: "
                        + dev.courier.http.internal.tls.TlsAlerts.describe(tls), cause),
                        false, !anyRequestWritten());
                return;
            }
            java.io.IOException e = new java.io.IOException(cause == null
                    ? "connection closed by the server before a response" : "connection failed: " + cause, cause);
            failBeforeResponse(requestWritten() ? Phase.AWAIT_HEADERS : Phase.WRITE_REQUEST, e, false, !anyRequestWritten());
        } else if (bodyExpected >= 0 && bodyReceived < bodyExpected || bodyExpected < 0 && !responseComplete && cause != null) {
            failBody(new java.io.IOException("connection closed after " + bodyReceived + " of "
                    + (bodyExpected >= 0 ? bodyExpected + " body bytes" : "an unknown number of body bytes")
                    + (cause == null ? "" : ": " + cause), cause));
        } else {
            failBody(new java.io.IOException("connection closed in the middle of the response body after " + bodyReceived
                    + " bytes" + (cause == null ? "" : ": " + cause), cause));
        }
    }

    // ---- BodySource ----

    @Override
    public void demand() {
        if (!finished) {
            conn.channel().read();
        }
    }

    @Override
    public void cancelled() {
        cancelDeadline();
        if (finished) {
            return;
        }
        long remaining = bodyExpected - bodyReceived;
        if (bodyExpected >= 0 && remaining <= DRAIN_LIMIT && keepAlive && requestWritten()) {
            draining = true;
            loop.schedule(() -> {
                if (!finished) {
                    notReusable(CloseReason.CANCELLED, null);
                    finishConnection();
                }
            }, DRAIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            conn.channel().read();
            return;
        }
        notReusable(CloseReason.CANCELLED, null);
        finishConnection();
    }

    @Override
    public Throwable failure(String detail, Throwable cause) {
        return exception(Phase.READ_BODY, detail, cause, false);
    }

    // ---- endings ----

    /** Ends this exchange's use of the connection: back to the pool if reusable, else closed. Once. */
    private void finishConnection() {
        if (finished) {
            return;
        }
        finished = true;
        cancelHeaderTimer();
        if (writer != null) {
            writer.stop();
        }
        // Bytes beyond the response (a body longer than its Content-Length, say) would be read as the start of
        // the next response: such a connection is closed, as Go's readLoop does with an unsolicited response.
        boolean reusable = keepAlive && responseComplete && requestWritten() && !handler.decoder().hasUnreadBytes();
        if (writer != null) {
            writer.unbind();
        }
        if (reusable) {
            handler.end(this);
        } else {
            handler.detach(this);
            conn.close(closeReason != null ? closeReason
                    : handler.decoder().hasUnreadBytes() ? CloseReason.PROTOCOL_ERROR : CloseReason.NOT_REUSABLE,
                    closeCause, request);
        }
        if (trace != null) {
            trace.putIdleConn(reusable ? null : new java.io.IOException("connection not reusable"));
        }
        ctx.pool().release(conn, reusable);
    }

    /** The connection will not serve another request, for {@code reason} unless one was given already. */
    private void notReusable(CloseReason reason, Throwable cause) {
        keepAlive = false;
        if (closeReason == null) {
            closeReason = reason;
            closeCause = cause;
        }
    }

    private void failBody(java.io.IOException cause) {
        notReusable(CloseReason.ERROR, cause);
        finishConnection();
        cancelDeadline();
        if (body != null) {
            body.onError(exception(Phase.READ_BODY, null, cause, false));
        }
    }

    /**
     * Fails before a response arrived; retries once on a fresh connection when Go's
     * {@code shouldRetryRequest} would: the connection was reused, no response byte came, and either
     * nothing was written or the request is idempotent with a replayable body.
     */
    private static javax.net.ssl.SSLException sslCause(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return (javax.net.ssl.SSLException) t;
            }
        }
        return null;
    }

    private void failBeforeResponse(Phase phase, Throwable cause, boolean timeout, boolean nothingWritten) {
        failBeforeResponse(phase, cause, timeout, nothingWritten, true);
    }

    /** {@link #failBeforeResponse(Phase, Throwable, boolean, boolean)}, never retrying unless {@code retryable}. */
    private void failBeforeResponse(Phase phase, Throwable cause, boolean timeout, boolean nothingWritten,
            boolean retryable) {
        notReusable(timeout ? CloseReason.TIMEOUT : CloseReason.ERROR, cause);
        boolean wasReused = reused;
        long wasIdle = idleNanos;
        PooledConnection c = conn;
        if (c != null) {
            finishConnection();
        }
        RequestException error = new RequestException(request.method(), request.redactedUri(), phase, null, cause, timeout,
                c == null ? null : c.id(), wasReused, wasReused ? Duration.ofNanos(wasIdle) : null);
        retryOrFail(error, retryable && mayRetry(timeout)
                ? staleConnectionRetryReason(anyResponseByte, nothingWritten, bodyStarted()) : null);
    }

    @Override
    protected void resetHttp1Attempt() {
        handler = null;
        closeReason = null;
        closeCause = null;
        anyResponseByte = false;
        headersReceived = false;
        responseComplete = false;
        finished = false;
        informational = 0;
        body = null;
        bodyExpected = -1;
        bodyReceived = 0;
        writer = null; // the old connection's, unbound when this exchange finished there (its late signals are ignored)
    }

    /** Whether this attempt's request is wholly on the wire. */
    private boolean requestWritten() {
        return writer != null && writer.isDone();
    }

    private boolean anyRequestWritten() {
        return writer != null && writer.anyWritten();
    }

    /** Whether the request body's publisher was asked for bytes (on HTTP/2 the stream tells; here, never). */
    private boolean bodyStarted() {
        return writer != null && writer.bodyStarted();
    }

    private void headerTimeout() {
        if (!finished && !headersReceived) {
            failBeforeResponse(Phase.AWAIT_HEADERS, new java.util.concurrent.TimeoutException("no response headers within responseHeaderTimeout "
                    + Duration.ofNanos(ctx.responseHeaderTimeoutNanos())), true, false);
        }
    }

    private void cancelHeaderTimer() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }

    @Override
    protected void abortHttp1(Throwable cause, boolean timeout) {
        if (finished) {
            return;
        }
        notReusable(timeout ? CloseReason.TIMEOUT : CloseReason.CANCELLED, cause);
        finishConnection();
        cancelDeadline();
        if (body != null) {
            body.onError(exception(Phase.READ_BODY, cause == null ? "cancelled" : cause.getMessage(),
                    cause == null ? new CancellationException("cancelled by the caller") : cause, timeout));
        }
    }

    private void applyKeepAliveTimeout(long seconds) {
        // A second of margin: the server's clock started when it sent the response, ours later.
        long deadline = ctx.clock().getAsLong() + TimeUnit.SECONDS.toNanos(seconds) - TimeUnit.SECONDS.toNanos(1);
        ctx.pool().setKeepAliveDeadline(conn, deadline);
    }

    /** Called by the writer: the future may already be done (response or error). */
    boolean isFinished() {
        return finished;
    }

    boolean isHeadersReceived() {
        return headersReceived;
    }

}
