package dev.courier.http.internal.h2;

import dev.courier.http.ClientTrace;
import dev.courier.http.Headers;
import dev.courier.http.Http2Exception;
import dev.courier.http.Protocol;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.internal.ExchangeOwner;
import dev.courier.http.internal.PipelineNames;
import dev.courier.http.internal.TransportContext;
import dev.courier.http.internal.body.BodySource;
import dev.courier.http.internal.body.BodyStream;
import dev.courier.http.internal.body.BytesRequestBody;
import dev.courier.http.internal.body.ResponseBodyImpl;
import dev.courier.http.internal.body.ResponseImpl;
import dev.courier.http.internal.pool.PooledConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.compression.Decompressor;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt at an exchange as an HTTP/2 stream (Go's {@code http2clientStream}): the handler of its
 * own child channel of the connection's multiplexer. Writes the header block and the body (paced by the
 * stream's flow-control window, which the child channel's writability reflects), reads the response as
 * its {@link BodyStream} demands (the child channel reads, and so sends WINDOW_UPDATE, only then), and
 * resets the stream when the caller stops early. The connection stays up for the other streams:
 * the lease goes back to the pool as soon as this stream ends, however it ends.
 *
 * <p>Streams the server did not process (REFUSED_STREAM, or above a GOAWAY's last stream id) are
 * reported as retryable; the owning exchange retries a refused one on the same connection (a bounded
 * number of times) and one a GOAWAY left unprocessed once on another.
 *
 * <p>Event-loop confined (the connection's loop), except the request body publisher's signals, which hop
 * onto it.
 */
public final class Http2Stream extends ChannelInboundHandlerAdapter implements BodySource {
    private static final int MAX_INFORMATIONAL = 5;

    private final ExchangeOwner owner;
    private final TransportContext ctx;
    private final Request request;
    private final PooledConnection conn;
    private final Http2Connection connection;
    private final ClientTrace trace;
    private final ChannelFutureListener headersWritten = this::headersWritten;
    final ChannelFutureListener dataWritten = this::dataWritten;
    final ChannelFutureListener lastWritten = this::lastWritten;

    private Http2StreamChannel stream;
    private boolean finished;
    private boolean headersReceived;
    private boolean anyResponseByte;
    private boolean responseEnded;
    private boolean requestDone;
    private boolean anyWritten;
    private boolean bodyStarted;
    private boolean addedAcceptEncoding;
    private boolean awaitingContinue;
    private boolean closedByPeer;
    private boolean resetByCodec;
    private int informational;
    private BodyStream body;
    private long bodyExpected = -1;
    private long bodyReceived;
    /** What the response is when it is one that has no content (a 204, a 304, a HEAD's), else null. */
    private String noContent;
    private ScheduledFuture<?> headerTimer;
    private ScheduledFuture<?> continueTimer;
    private Http2BodySubscriber subscriber;

    public Http2Stream(ExchangeOwner owner, TransportContext ctx, PooledConnection conn) {
        this.owner = owner;
        this.ctx = ctx;
        this.request = owner.request();
        this.trace = owner.trace();
        this.conn = conn;
        this.connection = (Http2Connection) conn.protocolHandler();
    }

    /** Opens the stream and sends the request. On the connection's loop. */
    public void start() {
        Future<Http2StreamChannel> opened = connection.bootstrap().handler(this).open();
        if (opened.isDone()) {
            opened(opened);
        } else {
            opened.addListener(this::opened);
        }
    }

    private void opened(Future<? super Http2StreamChannel> f) {
        if (!f.isSuccess()) {
            fail(Phase.WRITE_REQUEST, new IOException("cannot open an HTTP/2 stream on " + conn.id() + ": "
                    + f.cause(), f.cause()), false, retryReasonForLostConnection(true));
            return;
        }
        stream = (Http2StreamChannel) f.getNow();
        if (finished) {
            stream.close(); // aborted while opening
            return;
        }
        writeRequest();
        stream.read();
    }

    // ---- writing ----

    private void writeRequest() {
        boolean[] acceptEncoding = new boolean[1];
        Http2Headers headers = Http2Messages.requestHeaders(request, ctx.userAgent(), ctx.disableCompression(),
                acceptEncoding);
        addedAcceptEncoding = acceptEncoding[0];
        RequestBody requestBody = request.body();
        boolean expectContinue = requestBody != null && requestBody.contentLength() != 0
                && request.headers().containsToken("Expect", "100-continue");
        if (requestBody == null || requestBody.contentLength() == 0 && !expectContinue) {
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true)).addListener(lastWritten);
            return;
        }
        if (requestBody instanceof BytesRequestBody && !expectContinue) {
            bodyStarted = true;
            if (connection.serverSettingsSeen()) {
                stream.write(new DefaultHttp2HeadersFrame(headers, false)).addListener(headersWritten);
                writeBytesBody();
            } else {
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).addListener(headersWritten);
                connection.afterServerSettings(() -> {
                    if (!finished) {
                        writeBytesBody();
                    }
                });
            }
            return;
        }
        awaitingContinue = expectContinue;
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).addListener(headersWritten);
        if (!awaitingContinue) {
            sendBody();
        } else if (ctx.expectContinueTimeoutNanos() <= 0) {
            awaitingContinue = false;
            sendBody();
        } else {
            continueTimer = eventLoop().schedule(() -> {
                continueTimer = null;
                if (awaitingContinue && !finished) {
                    awaitingContinue = false;
                    sendBody();
                }
            }, ctx.expectContinueTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void writeBytesBody() {
        BytesRequestBody bytes = (BytesRequestBody) request.body();
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes.array(), bytes.offset(),
                (int) bytes.contentLength()), true)).addListener(lastWritten);
    }

    private void headersWritten(ChannelFuture f) {
        if (!f.isSuccess()) {
            writeFailed(f.cause());
            return;
        }
        anyWritten = true;
        if (trace != null) {
            trace.wroteHeaders();
        }
    }

    private void dataWritten(ChannelFuture f) {
        if (!f.isSuccess()) {
            writeFailed(f.cause());
            return;
        }
        // A frame left the stream's queue (the window allowed it): the stream may be writable again. The
        // writability event says so too, but a second path costs nothing and an upload must never stall.
        Http2BodySubscriber s = subscriber;
        if (s != null && stream.isWritable()) {
            s.resume();
        }
    }

    private void lastWritten(ChannelFuture f) {
        if (!f.isSuccess()) {
            writeFailed(f.cause());
            return;
        }
        boolean headOnly = !anyWritten;
        anyWritten = true;
        requestDone = true;
        owner.requestSent();
        if (trace != null) {
            if (headOnly && request.body() == null || headOnly && request.body().contentLength() == 0) {
                trace.wroteHeaders();
            }
            trace.wroteRequest(null);
        }
        if (finished) {
            return;
        }
        if (responseEnded) {
            finish(); // the response ended first; the stream is now closed on both sides
            return;
        }
        if (ctx.responseHeaderTimeoutNanos() > 0 && !headersReceived) {
            headerTimer = eventLoop().schedule(this::headerTimeout, ctx.responseHeaderTimeoutNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void writeFailed(Throwable cause) {
        if (finished) {
            return;
        }
        if (trace != null) {
            trace.wroteRequest(cause);
        }
        if (!headersReceived) {
            fail(Phase.WRITE_REQUEST, new IOException("writing the request to HTTP/2 stream failed: " + cause, cause),
                    false, retryReasonForLostConnection(!anyWritten));
        }
        // After the response head, the response stands; the stream is reset when the response ends.
    }

    private void sendBody() {
        if (!connection.serverSettingsSeen()) {
            // No DATA into a window the server may be about to shrink: see Http2Connection.afterServerSettings.
            connection.afterServerSettings(() -> {
                if (!finished) {
                    sendBody();
                }
            });
            return;
        }
        bodyStarted = true;
        Flow.Publisher<ByteBuffer> publisher;
        try {
            publisher = request.body().publisher();
        } catch (RuntimeException e) {
            fail(Phase.WRITE_REQUEST, new IOException("the request body cannot be sent: " + e.getMessage(), e),
                    false, null);
            return;
        }
        subscriber = new Http2BodySubscriber(this, stream, eventLoop(), request.body().contentLength());
        publisher.subscribe(subscriber);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext hctx) {
        Http2BodySubscriber s = subscriber;
        if (s != null && hctx.channel().isWritable()) {
            s.resume();
        }
        hctx.fireChannelWritabilityChanged();
    }

    /** Whether {@code s} is the body subscriber this live stream uses (else its signals are stale). */
    boolean isCurrentBody(Http2BodySubscriber s) {
        return !finished && subscriber == s;
    }

    /** The publisher completed with the declared length: the body's last frame goes out now. */
    void bodyPublished() {
        subscriber = null;
    }

    /** The request body cannot be sent whole: fail the exchange, or its body if the response already came. */
    void bodyFailed(IOException cause) {
        subscriber = null;
        if (trace != null) {
            trace.wroteRequest(cause);
        }
        if (!headersReceived) {
            fail(Phase.WRITE_REQUEST, cause, false, null);
        } else {
            finish(); // resets the stream: the server must not take a truncated body as complete
            if (body != null) {
                body.onError(owner.exception(Phase.WRITE_REQUEST, null, cause, false));
            }
            owner.bodyEnded();
        }
    }

    // ---- reading ----

    @Override
    public void channelRead(ChannelHandlerContext hctx, Object msg) {
        try {
            if (finished) {
                return;
            }
            if (msg instanceof Http2HeadersFrame) {
                onHeaders((Http2HeadersFrame) msg);
            } else if (msg instanceof Http2DataFrame) {
                onData((Http2DataFrame) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void responseBytes() {
        if (!anyResponseByte) {
            anyResponseByte = true;
            if (trace != null) {
                trace.gotFirstResponseByte();
            }
        }
    }

    private void onHeaders(Http2HeadersFrame frame) {
        responseBytes();
        Http2Headers h = frame.headers();
        if (headersReceived) {
            if (!frame.isEndStream()) {
                protocolError("a second header block without END_STREAM (trailers must end the stream)");
                return;
            }
            endOfResponse(Http2Messages.toHeaders(h, false));
            return;
        }
        int status;
        try {
            status = Integer.parseInt(String.valueOf(h.status()));
        } catch (NumberFormatException e) {
            protocolError("the response has no valid :status (" + h.status() + ")");
            return;
        }
        if (status < 100 || status > 999) {
            protocolError("the response has an invalid :status " + status);
            return;
        }
        if (status < 200) {
            onInformational(h, status);
            return;
        }
        headersReceived = true;
        cancelHeaderTimer();
        if (awaitingContinue) {
            awaitingContinue = false; // a final status before "100 Continue": the body is never sent
            cancelContinueTimer();
        }
        Decompressor decompressor = null;
        if (addedAcceptEncoding) {
            CharSequence encoding = h.get("content-encoding");
            decompressor = dev.courier.http.internal.h1.ContentDecoding.decompressorFor(encoding, stream.alloc());
        }
        boolean uncompressed = decompressor != null;
        long declared = h.getLong("content-length", -1L);
        bodyExpected = declared;
        long visibleLength = uncompressed ? -1 : declared;
        if (request.method().equals("HEAD") || status == 204 || status == 304) {
            visibleLength = 0;
            bodyExpected = -1;
            noContent = status == 204 ? "a 204 response" : status == 304 ? "a 304 response" : "the response to a HEAD";
        }
        body = new BodyStream(this, visibleLength, decompressor, ctx.maxDecompressedBytes());
        CharSequence contentType = h.get("content-type");
        Charset charset = dev.courier.http.internal.h1.ContentDecoding.charset(contentType);
        ResponseBodyImpl publicBody = new ResponseBodyImpl(body, charset);
        ResponseImpl r = new ResponseImpl(request, status, HttpResponseStatus.valueOf(status).reasonPhrase(),
                Protocol.HTTP_2, () -> Http2Messages.toHeaders(h, uncompressed), publicBody, uncompressed,
                conn.id());
        SslHandler tls = (SslHandler) conn.channel().pipeline().get(PipelineNames.TLS);
        if (tls != null) {
            r.tlsSession(tls.engine().getSession());
        }
        owner.deliver(r);
        if (frame.isEndStream() && !finished) {
            endOfResponse(Headers.empty());
        }
    }

    private void onInformational(Http2Headers h, int status) {
        if (++informational > MAX_INFORMATIONAL) {
            fail(Phase.AWAIT_HEADERS, new IOException("too many 1xx informational responses (more than "
                    + MAX_INFORMATIONAL + ")"), false, null);
            return;
        }
        if (status == 100) {
            if (trace != null) {
                trace.got100Continue();
            }
            if (awaitingContinue) {
                awaitingContinue = false;
                cancelContinueTimer();
                sendBody();
            }
        } else if (trace != null) {
            trace.got1xxResponse(status, Http2Messages.toHeaders(h, false));
        }
    }

    private void onData(Http2DataFrame frame) {
        responseBytes();
        if (!headersReceived) {
            protocolError("DATA before the response's HEADERS");
            return;
        }
        ByteBuf data = frame.content();
        int n = data.readableBytes();
        if (n > 0) {
            if (noContent != null) {
                // RFC 9110 sections 9.3.2, 15.3.5 and 15.4.5: it has no content; Go resets a HEAD's stream too.
                protocolError("DATA in " + noContent + ", which has no content");
                return;
            }
            bodyReceived += n;
            if (bodyExpected >= 0 && bodyReceived > bodyExpected) {
                bodyError(malformed("the server sent more than its Content-Length of " + bodyExpected + " bytes", null));
                return;
            }
            body.onData(data.retain());
        }
        if (frame.isEndStream()) {
            endOfResponse(Headers.empty());
        }
    }

    private void endOfResponse(Headers trailers) {
        if (bodyExpected >= 0 && bodyReceived != bodyExpected) {
            bodyError(malformed("the stream ended after " + bodyReceived + " of the " + bodyExpected
                    + " body bytes its Content-Length declared", null));
            return;
        }
        responseEnded = true;
        finish(); // if our body has not ended, the server answered early: our half is reset (as Go does)
        owner.bodyEnded();
        body.onEnd(trailers);
    }

    private void onReset(Http2ResetFrame frame) {
        closedByPeer = true; // the multiplexer closes the stream; answering a reset with a reset is forbidden
        long code = frame.errorCode();
        String what = "the server reset the stream: " + Http2Connection.errorName(code);
        if (!headersReceived) {
            String reason = code == Http2Error.REFUSED_STREAM.code() && replayable()
                    ? "the server refused the stream (REFUSED_STREAM): it did not process the request" : null;
            fail(requestDone ? Phase.AWAIT_HEADERS : Phase.WRITE_REQUEST, new Http2Exception(what, code),
                    false, reason);
        } else {
            bodyError(new Http2Exception(what, code));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext hctx, Object evt) {
        try {
            if (evt instanceof Http2ResetFrame && !finished) {
                // The multiplexer delivers resets as events: they are not flow-controlled, and must not wait for read().
                onReset((Http2ResetFrame) evt);
            } else if (evt instanceof Http2GoAwayFrame && !finished) {
                // The multiplexer tells the streams above the GOAWAY's last stream id: not processed.
                Http2GoAwayFrame goAway = (Http2GoAwayFrame) evt;
                closedByPeer = true; // the codec closes the streams the server will not process
                Http2Connection.GoAway g = new Http2Connection.GoAway(goAway.errorCode(), goAway.lastStreamId(),
                        goAway.content().toString(java.nio.charset.StandardCharsets.UTF_8));
                IOException cause = new Http2Exception(g.describe() + "; this stream (" + stream.stream().id()
                        + ") was not processed", goAway.errorCode(), g.lastStreamId(), g.debugData());
                if (!headersReceived) {
                    fail(requestDone ? Phase.AWAIT_HEADERS : Phase.WRITE_REQUEST, cause, false,
                            replayable() ? "the server sent GOAWAY before processing the stream" : null);
                } else {
                    bodyError(cause);
                }
            }
        } finally {
            ReferenceCountUtil.release(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext hctx, Throwable cause) {
        if (finished) {
            return;
        }
        IOException e;
        if (cause instanceof io.netty.handler.codec.http2.Http2Exception.StreamException) {
            // A stream error the codec found (RFC 9113 section 5.4.2): the multiplexer resets the stream with its
            // code (PROTOCOL_ERROR, not our CANCEL) right after this; the connection serves on.
            resetByCodec = true;
        }
        if (cause instanceof io.netty.handler.codec.http2.Http2Exception.HeaderListSizeException) {
            // The decoded list passed SETTINGS_MAX_HEADER_LIST_SIZE: the codec decoded the block (keeping the
            // connection's HPACK state) without keeping its fields past the limit, and freed it.
            e = new IOException(headersReceived
                    ? "the trailers exceed maxResponseHeaderBytes (" + ctx.maxResponseHeaderBytes() + " bytes)"
                    : connection.headTooLarge(), cause);
        } else {
            // A PROTOCOL_ERROR that Netty's codec found in what the server sent (a malformed header block, a
            // content-length the DATA does not match) is a malformed response, typed as HTTP/1.1's are.
            // (Http2MultiplexHandler hands the child the codec's exception unwrapped from Http2FrameStreamException.)
            boolean malformed = cause instanceof io.netty.handler.codec.http2.Http2Exception
                    && ((io.netty.handler.codec.http2.Http2Exception) cause).error() == Http2Error.PROTOCOL_ERROR;
            String what = "HTTP/2 stream error: " + describe(cause);
            e = malformed ? malformed(what, cause) : new IOException(what, cause);
        }
        if (!headersReceived) {
            fail(Phase.AWAIT_HEADERS, e, false, null);
        } else {
            bodyError(e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext hctx) {
        if (!finished && (!headersReceived || body == null)) {
            stream.read();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext hctx) {
        if (finished) {
            return;
        }
        Throwable connectionCause = connection.closeCause();
        boolean connectionDown = !conn.channel().isActive();
        String what = connectionDown
                ? "the HTTP/2 connection closed" + (connectionCause == null ? "" : ": " + describe(connectionCause))
                : "the HTTP/2 stream closed";
        Http2Connection.GoAway g = connection.goAway();
        if (g != null) {
            what += " after " + g.describe();
        }
        String refused = connection.headerBlockRefusal();
        if (!headersReceived && refused != null) {
            fail(Phase.AWAIT_HEADERS, new IOException(refused, connectionCause), false, null); // it would come again
        } else if (!headersReceived) {
            IOException e = new IOException(what + " before a response", connectionCause);
            boolean timeout = connectionCause instanceof Http2Connection.PingTimeoutException;
            fail(requestDone ? Phase.AWAIT_HEADERS : Phase.WRITE_REQUEST, e, false,
                    timeout ? null : retryReasonForLostConnection(!anyWritten));
        } else {
            bodyError(new IOException(what + " after " + bodyReceived + " body bytes", connectionCause));
        }
    }

    private static java.net.ProtocolException malformed(String message, Throwable cause) {
        return dev.courier.http.internal.h1.ContentDecoding.malformed(message, cause);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    // ---- BodySource ----

    @Override
    public String connectionId() {
        return conn.id();
    }

    @Override
    public Request request() {
        return request;
    }

    @Override
    public EventLoop eventLoop() {
        return conn.channel().eventLoop();
    }

    @Override
    public void demand() {
        if (!finished && stream != null) {
            stream.read();
        }
    }

    @Override
    public void cancelled() {
        if (finished) {
            return;
        }
        finish(); // RST_STREAM(CANCEL); the connection serves on
        owner.bodyEnded();
    }

    @Override
    public Throwable failure(String detail, Throwable cause) {
        return owner.exception(Phase.READ_BODY, detail, cause, false);
    }

    // ---- endings ----

    /** The caller gave up or the deadline passed (from the owner, on the loop). */
    public void abort(Throwable cause, boolean timeout) {
        if (finished) {
            return;
        }
        finish();
        if (body != null) {
            String detail = cause == null ? "cancelled" : cause.getMessage();
            body.onError(owner.exception(Phase.READ_BODY, detail,
                    cause == null ? new java.util.concurrent.CancellationException("cancelled by the caller") : cause,
                    timeout));
        }
    }

    /**
     * Ends this stream's use of the connection, once: stops the body, resets the stream unless both
     * sides ended it, and returns the lease. The connection goes back into service unless it is down.
     */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        cancelHeaderTimer();
        cancelContinueTimer();
        Http2BodySubscriber s = subscriber;
        subscriber = null;
        if (s != null) {
            s.cancel();
        }
        if (stream != null && stream.isActive()) {
            if (closedByPeer) {
                // The multiplexer closes the stream once its queued frames are read: read them (and drop them).
                stream.read();
            } else if (resetByCodec) {
                // The multiplexer resets it with the stream error's code once exceptionCaught returns.
            } else if (!(responseEnded && requestDone)) {
                stream.close(); // RST_STREAM(CANCEL) while the stream is open; queued frames are released
            }
        }
        if (trace != null) {
            trace.putIdleConn(null);
        }
        ctx.pool().release(conn, conn.channel().isActive());
    }

    private void bodyError(IOException cause) {
        finish();
        owner.bodyEnded();
        if (body != null) {
            body.onError(owner.exception(Phase.READ_BODY, null, cause, false));
        }
    }

    private void protocolError(String what) {
        IOException e = malformed("HTTP/2 protocol error from the server: " + what, null);
        if (!headersReceived) {
            fail(Phase.AWAIT_HEADERS, e, false, null);
        } else {
            bodyError(e);
        }
    }

    private void fail(Phase phase, Throwable cause, boolean timeout, String retryReason) {
        if (finished) {
            return;
        }
        finish();
        owner.attemptFailed(phase, cause, timeout, retryReason);
    }

    private boolean replayable() {
        return request.body() == null || !bodyStarted || request.body().isReplayable();
    }

    private String retryReasonForLostConnection(boolean nothingWritten) {
        return owner.staleConnectionRetryReason(anyResponseByte, nothingWritten, bodyStarted);
    }

    private void headerTimeout() {
        headerTimer = null;
        if (!finished && !headersReceived) {
            fail(Phase.AWAIT_HEADERS, new TimeoutException("no response headers within responseHeaderTimeout "
                    + java.time.Duration.ofNanos(ctx.responseHeaderTimeoutNanos())), true, null);
        }
    }

    private void cancelHeaderTimer() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }

    private void cancelContinueTimer() {
        if (continueTimer != null) {
            continueTimer.cancel(false);
            continueTimer = null;
        }
    }
}
