package dev.courier.http.internal.h1;

import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import dev.courier.http.internal.RequestTarget;
import dev.courier.http.internal.TransportContext;
import dev.courier.http.internal.body.BytesRequestBody;
import dev.courier.http.internal.body.FileRequestBody;
import dev.courier.http.internal.proxy.ProxyEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The write half of an HTTP/1.1 exchange (Go's {@code writeLoop} and {@code Request.write}): the head
 * with the headers Courier adds (Host, User-Agent, Content-Length or chunked, Accept-Encoding,
 * Connection), then the body: an array in the same write, a file by zero-copy {@code FileRegion} on
 * plaintext, anything else by subscribing to its publisher with demand paced by channel writability.
 * With {@code Expect: 100-continue} the body waits for "100 Continue" or the expect-continue timeout,
 * and is not sent at all if a final status comes first. Through an HTTP(S) proxy without a tunnel (an
 * http:// origin) the request line carries the absolute URI and Proxy-Authorization the proxy's credentials.
 *
 * <p>The head goes out as one buffer ({@link RequestHeadEncoder}), with a small array body copied in
 * behind it: one write, one flush, and on plaintext no promise ({@link #writeWhole}). Otherwise the
 * writer is itself the listener of the write that ends the request, so only a streamed body allocates
 * listeners.
 *
 * <p>Event-loop confined, except the {@link Flow.Subscriber} signals, which hop onto the loop.
 */
final class RequestWriter implements ChannelFutureListener {
    /** An array body up to this size is copied into the head's buffer; a larger one follows it in the same flush. */
    static final int COPY_BODY_LIMIT = 8 * 1024;
    private static final ByteBuf LAST_CHUNK = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(5).writeBytes(new byte[] {'0', '\r', '\n', '\r', '\n'})).asReadOnly();
    private static final ByteBuf CRLF = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(2).writeBytes(new byte[] {'\r', '\n'})).asReadOnly();

    /** The exchange whose request this is; set by {@link #bind} for each exchange on the connection. */
    private Http1Exchange exchange;
    private ChannelFutureListener headOnlyWritten;
    private ChannelFutureListener chunkWritten;

    // event-loop confined
    private Channel channel;
    // decided by RequestHeadEncoder for this attempt
    boolean addedAcceptEncoding;
    boolean connectionClose;
    boolean chunked;
    private boolean headWritten;
    private boolean headReported;
    private boolean anyWritten;
    private boolean bodyStarted;
    private boolean done;
    private boolean stopped;
    private boolean awaitingContinue;
    private ScheduledFuture<?> continueTimer;
    private Flow.Subscription subscription;
    private BodySubscriber subscriber;
    private boolean wantsDemand;
    private long bodyBytes;
    /** {@link #writeWhole} is writing with a void promise: an exception now is that write's failure. */
    private boolean unconfirmedWrite;

    /** Serves {@code next} from now on, with no state left from the previous exchange. */
    void bind(Http1Exchange next) {
        reset();
        exchange = next;
    }

    /**
     * The exchange is over on this connection: the writer lets go of it, so that an idle pooled connection
     * keeps no request, exchange or body reachable. What it recorded of the attempt (bodyStarted, isDone)
     * still answers until the next {@link #bind}; late signals of the attempt are ignored from now on.
     */
    void unbind() {
        exchange = null;
        channel = null;
    }

    // The exchange's request and context are not copied into fields here: a field is bytes on every request.

    private TransportContext ctx() {
        return exchange.context();
    }

    private Request request() {
        return exchange.request();
    }

    /** Whether the whole request is on the wire. */
    boolean isDone() {
        return done;
    }

    /** Whether any write of this attempt succeeded (so the server may have seen part of the request). */
    boolean anyWritten() {
        return anyWritten;
    }

    /** Whether the body's publisher was asked for its bytes (a non-replayable body is then used up). */
    boolean bodyStarted() {
        return bodyStarted;
    }

    boolean addedAcceptEncoding() {
        return addedAcceptEncoding;
    }

    /** Whether the head asked the server to close the connection after this exchange. */
    boolean sentConnectionClose() {
        return connectionClose;
    }

    /**
     * Forgets the attempt: the exchange retries on a new connection, or the next exchange of this one
     * begins. Late signals of the old attempt (a listener, the body publisher) find the channel or
     * subscriber changed and are ignored.
     */
    void reset() {
        channel = null;
        headWritten = false;
        headReported = false;
        anyWritten = false;
        bodyStarted = false;
        done = false;
        stopped = false;
        awaitingContinue = false;
        continueTimer = null;
        subscription = null;
        subscriber = null;
        wantsDemand = false;
        bodyBytes = 0;
        unconfirmedWrite = false;
    }

    void write(ChannelHandlerContext hctx) {
        channel = hctx.channel();
        Request request = request();
        TransportContext ctx = ctx();
        Http1Connection connection = (Http1Connection) hctx.handler();
        RequestBody body = request.body();
        ProxyEndpoint proxy = ProxyEndpoint.sendsAbsoluteForm(exchange.route())
                ? ProxyEndpoint.of(exchange.route().proxy()) : null;
        String target = proxy == null ? target(request.uri()) : absoluteTarget(request.uri());
        String proxyAuthorization = proxy == null ? null : proxy.basicAuthorization();
        boolean expectContinue = body != null && body.contentLength() != 0
                && request.headers().containsToken("Expect", "100-continue");
        if (body == null || body.contentLength() == 0 && !expectContinue) {
            ByteBuf head = RequestHeadEncoder.encode(connection, ctx, request, body, target, proxyAuthorization, 0, this);
            headWritten = true;
            writeWhole(connection, head);
            return;
        }
        if (body instanceof BytesRequestBody && !expectContinue) {
            BytesRequestBody bytes = (BytesRequestBody) body;
            int length = (int) bytes.contentLength();
            boolean copy = length <= COPY_BODY_LIMIT;
            ByteBuf head = RequestHeadEncoder.encode(connection, ctx, request, body, target, proxyAuthorization,
                    copy ? length : 0, this);
            bodyStarted = true;
            headWritten = true;
            if (copy) {
                writeWhole(connection, head.writeBytes(bytes.array(), bytes.offset(), length));
            } else {
                channel.writeAndFlush(Unpooled.wrappedBuffer(head, Unpooled.wrappedBuffer(bytes.array(), bytes.offset(),
                        length))).addListener(this);
            }
            return;
        }
        awaitingContinue = expectContinue;
        ByteBuf head = RequestHeadEncoder.encode(connection, ctx, request, body, target, proxyAuthorization, 0, this);
        headOnlyWritten = this::headOnlyWritten;
        channel.writeAndFlush(head).addListener(headOnlyWritten);
    }

    /**
     * Writes a whole request that fits one buffer. On plaintext it learns the outcome without a promise
     * (a promise, its listener and their notification per request): the write runs inline on the loop,
     * so when it returns the request is either on the wire (the outbound buffer is empty), or waiting
     * behind a full socket (then an empty write with a listener tells when it drained), or failed, which
     * the void promise reports as an exception through the pipeline to {@link #onWriteException} during
     * the call. TLS keeps the promise: SslHandler queues the write until it has wrapped it.
     */
    private void writeWhole(Http1Connection connection, ByteBuf wire) {
        Channel ch = channel;
        if (connection.tlsSession() != null) {
            ch.writeAndFlush(wire).addListener(this);
            return;
        }
        unconfirmedWrite = true;
        ch.writeAndFlush(wire, ch.voidPromise());
        if (!unconfirmedWrite || channel != ch) {
            return; // it failed, and failed() has run (the attempt may even be retried on another connection)
        }
        unconfirmedWrite = false;
        io.netty.channel.ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        if (out != null && out.isEmpty()) {
            written();
        } else {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(this);
        }
    }

    /**
     * An exception reached the connection while {@link #writeWhole} was writing without a promise: it is
     * that write's failure. Returns whether it was taken as such.
     */
    boolean onWriteException(Throwable cause) {
        if (!unconfirmedWrite) {
            return false;
        }
        unconfirmedWrite = false;
        failed(cause);
        return true;
    }

    /** The write that ends the request completed. */
    @Override
    public void operationComplete(ChannelFuture f) {
        lastWritten(f);
    }

    private void headOnlyWritten(ChannelFuture f) {
        if (f.channel() != channel) {
            return; // an earlier attempt's connection
        }
        if (!f.isSuccess()) {
            failed(f.cause());
            return;
        }
        headWritten = true;
        anyWritten = true;
        headReported = true;
        if (exchange.trace() != null) {
            exchange.trace().wroteHeaders();
        }
        if (stopped) {
            return;
        }
        if (!awaitingContinue) {
            sendBody();
        } else if (ctx().expectContinueTimeoutNanos() <= 0) {
            awaitingContinue = false;
            sendBody();
        } else {
            continueTimer = channel.eventLoop().schedule(this::continueTimedOut, ctx().expectContinueTimeoutNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** "100 Continue" arrived. */
    void onContinue() {
        if (awaitingContinue && !stopped) {
            awaitingContinue = false;
            cancelContinueTimer();
            if (headWritten) {
                sendBody();
            }
        }
    }

    private void continueTimedOut() {
        continueTimer = null;
        if (awaitingContinue && !stopped) {
            awaitingContinue = false;
            sendBody(); // RFC 9110 section 10.1.1: a client need not wait indefinitely for 100 Continue
        }
    }

    /** A final response arrived: a body still waiting for "100 Continue" is never sent. */
    void onFinalResponse() {
        if (awaitingContinue) {
            awaitingContinue = false;
            stopped = true;
            cancelContinueTimer();
        }
    }

    /** The exchange is over on this connection: stop producing. */
    void stop() {
        stopped = true;
        cancelContinueTimer();
        Flow.Subscription s = subscription;
        if (s != null && !done) {
            subscription = null;
            s.cancel();
        }
    }

    private void cancelContinueTimer() {
        if (continueTimer != null) {
            continueTimer.cancel(false);
            continueTimer = null;
        }
    }

    private void sendBody() {
        RequestBody body = request().body();
        bodyStarted = true;
        if (body instanceof BytesRequestBody) {
            BytesRequestBody bytes = (BytesRequestBody) body;
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes.array(), bytes.offset(), (int) bytes.contentLength()))
                    .addListener(this);
            return;
        }
        chunkWritten = this::chunkWritten;
        // Zero-copy only on a plain socket: no SslHandler, neither the origin's nor an https proxy's.
        if (body instanceof FileRequestBody && channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null) {
            FileRequestBody file = (FileRequestBody) body;
            channel.write(new DefaultFileRegion(file.file().toFile(), 0, file.contentLength())).addListener(chunkWritten);
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(this);
            return;
        }
        Flow.Publisher<ByteBuffer> publisher;
        try {
            publisher = body.publisher();
        } catch (RuntimeException e) {
            bodyFailed(new IOException("the request body cannot be sent: " + e.getMessage(), e));
            return;
        }
        subscriber = new BodySubscriber();
        publisher.subscribe(subscriber);
    }

    /**
     * Subscribes to the request body's publisher for one attempt. Its signals may come from any thread and
     * hop onto the loop; once the attempt is over ({@link #stop()}) they are ignored, so a late signal of an
     * abandoned attempt can never reach the connection of a retry.
     */
    private final class BodySubscriber implements Flow.Subscriber<ByteBuffer> {
        private final Channel ch = channel;
        private Flow.Subscription upstream;

        private boolean current() {
            return !stopped && channel == ch && subscriber == this;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            onLoop(ch, () -> {
                if (!current() || upstream != null) {
                    s.cancel();
                    return;
                }
                upstream = s;
                subscription = s;
                s.request(1);
            });
        }

        @Override
        public void onNext(ByteBuffer item) {
            onLoop(ch, () -> {
                if (!current() || upstream == null) {
                    return;
                }
                if (!item.hasRemaining()) {
                    upstream.request(1); // nothing to send; an empty chunk would end a chunked body
                    return;
                }
                bodyBytes += item.remaining();
                long declared = request().body().contentLength();
                if (declared >= 0 && bodyBytes > declared) {
                    bodyFailed(new IOException("the request body publisher produced more than the declared length of "
                            + declared + " bytes"));
                    return;
                }
                ch.writeAndFlush(frame(item)).addListener(chunkWritten);
                if (!current()) {
                    return; // the write failed at once and ended the attempt (the writer may be unbound already)
                }
                if (ch.isWritable()) {
                    upstream.request(1);
                } else {
                    wantsDemand = true;
                }
            });
        }

        @Override
        public void onError(Throwable error) {
            onLoop(ch, () -> {
                if (current()) {
                    subscription = null;
                    bodyFailed(new IOException("the request body publisher failed: " + error, error));
                }
            });
        }

        @Override
        public void onComplete() {
            onLoop(ch, () -> {
                if (!current() || upstream == null) {
                    return;
                }
                subscription = null;
                long declared = request().body().contentLength();
                if (declared >= 0 && bodyBytes != declared) {
                    bodyFailed(new IOException("the request body publisher produced " + bodyBytes
                            + " bytes but declared " + declared));
                    return;
                }
                channel.writeAndFlush(chunked ? LAST_CHUNK.duplicate() : Unpooled.EMPTY_BUFFER)
                        .addListener(RequestWriter.this);
            });
        }
    }

    /** A piece of a streamed body as it goes on the wire: as is, or as a chunk (RFC 9112 section 7.1). */
    private ByteBuf frame(ByteBuffer item) {
        ByteBuf data = Unpooled.wrappedBuffer(item);
        if (!chunked) {
            return data;
        }
        int size = data.readableBytes();
        ByteBuf sizeLine = channel.alloc().ioBuffer(18);
        ByteBufUtil.writeAscii(sizeLine, Integer.toHexString(size));
        sizeLine.writeShort(('\r' << 8) | '\n');
        return Unpooled.wrappedBuffer(sizeLine, data, CRLF.duplicate());
    }

    /** The channel drained its outbound buffer: ask the publisher for more. */
    void onWritable() {
        if (wantsDemand && subscription != null && !stopped) {
            wantsDemand = false;
            subscription.request(1);
        }
    }

    private static void onLoop(Channel ch, Runnable r) {
        if (ch.eventLoop().inEventLoop()) {
            r.run();
        } else {
            ch.eventLoop().execute(r);
        }
    }

    private void chunkWritten(ChannelFuture f) {
        if (f.channel() != channel) {
            return; // an earlier attempt's connection
        }
        if (f.isSuccess()) {
            anyWritten = true;
        } else {
            failed(f.cause());
        }
    }

    private void lastWritten(ChannelFuture f) {
        if (f.channel() != channel) {
            return; // an earlier attempt's connection
        }
        if (!f.isSuccess()) {
            failed(f.cause());
            return;
        }
        written();
    }

    /** The whole request is on the wire. */
    private void written() {
        anyWritten = true;
        done = true;
        if (exchange.trace() != null) {
            if (!headReported) {
                exchange.trace().wroteHeaders(); // the head went out in the same write as the body
            }
            exchange.trace().wroteRequest(null);
        }
        exchange.onRequestWritten();
    }

    /**
     * The body's publisher failed, or broke its declared length: the request's own fault, not the connection's,
     * so the attempt is never retried (Go's {@code requestBodyReadError}); the cause chain keeps the publisher's
     * exception.
     */
    private void bodyFailed(IOException cause) {
        if (exchange == null || stopped && exchange.isFinished()) {
            return;
        }
        stop();
        if (exchange.trace() != null) {
            exchange.trace().wroteRequest(cause);
        }
        exchange.onBodyFailed(cause);
    }

    private void failed(Throwable cause) {
        if (exchange == null || stopped && exchange.isFinished()) {
            return;
        }
        boolean nothingWritten = !anyWritten && (cause instanceof ClosedChannelException || !channel.isActive());
        stop();
        if (exchange.trace() != null) {
            exchange.trace().wroteRequest(cause);
        }
        exchange.onWriteFailed(cause, nothingWritten);
    }

    /**
     * The request target in absolute form for a proxy (RFC 9112 section 3.2.2): scheme, the URI's own
     * host[:port] (a caller's Host header is sent as given but does not steer the proxy), path and query.
     */
    static String absoluteTarget(URI uri) {
        String host = uri.getHost();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = uri.getPort();
        String authority = port == -1 || port == (scheme.equals("https") ? 443 : 80) ? host : host + ":" + port;
        return scheme + "://" + authority + target(uri);
    }

    /** The request target in origin form: path and query, never the fragment. */
    static String target(URI uri) {
        return RequestTarget.originForm(uri);
    }
}
