package dev.courier.http.internal.h1;

import dev.courier.http.Headers;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import dev.courier.http.internal.TransportContext;
import dev.courier.http.internal.body.BytesRequestBody;
import dev.courier.http.internal.body.FileRequestBody;
import dev.courier.http.internal.proxy.ProxyEndpoint;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
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
 * <p>Event-loop confined, except the {@link Flow.Subscriber} signals, which hop onto the loop.
 */
final class RequestWriter {
    private static final AsciiString ZERO = AsciiString.cached("0");
    private static final AsciiString GZIP_DEFLATE = AsciiString.cached("gzip, deflate");

    private final Http1Exchange exchange;
    private final TransportContext ctx;
    private final Request request;
    private final ChannelFutureListener headOnlyWritten = this::headOnlyWritten;
    private final ChannelFutureListener lastWritten = this::lastWritten;
    private final ChannelFutureListener chunkWritten = this::chunkWritten;

    // event-loop confined
    private Channel channel;
    private boolean addedAcceptEncoding;
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

    RequestWriter(Http1Exchange exchange, TransportContext ctx, Request request) {
        this.exchange = exchange;
        this.ctx = ctx;
        this.request = request;
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

    /** Forgets this attempt before a retry on a new connection. */
    void reset() {
        channel = null;
        addedAcceptEncoding = false;
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
    }

    void write(ChannelHandlerContext hctx) {
        channel = hctx.channel();
        RequestBody body = request.body();
        HttpMethod method = HttpMethod.valueOf(request.method());
        ProxyEndpoint proxy = ProxyEndpoint.sendsAbsoluteForm(exchange.route())
                ? ProxyEndpoint.of(exchange.route().proxy()) : null;
        String target = proxy == null ? target(request.uri()) : absoluteTarget(request.uri());
        HttpHeaders headers = headers(body, proxy);
        boolean expectContinue = body != null && body.contentLength() != 0
                && request.headers().containsToken("Expect", "100-continue");
        if (body == null || body.contentLength() == 0 && !expectContinue) {
            channel.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target, Unpooled.EMPTY_BUFFER,
                    headers, EmptyHttpHeaders.INSTANCE)).addListener(lastWritten);
            headWritten = true;
            return;
        }
        if (body instanceof BytesRequestBody && !expectContinue) {
            BytesRequestBody bytes = (BytesRequestBody) body;
            bodyStarted = true;
            channel.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target,
                    Unpooled.wrappedBuffer(bytes.array(), bytes.offset(), (int) bytes.contentLength()),
                    headers, EmptyHttpHeaders.INSTANCE)).addListener(lastWritten);
            headWritten = true;
            return;
        }
        awaitingContinue = expectContinue;
        channel.writeAndFlush(new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target, headers))
                .addListener(headOnlyWritten);
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
        } else if (ctx.expectContinueTimeoutNanos() <= 0) {
            awaitingContinue = false;
            sendBody();
        } else {
            continueTimer = channel.eventLoop().schedule(this::continueTimedOut, ctx.expectContinueTimeoutNanos(),
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
        RequestBody body = request.body();
        bodyStarted = true;
        if (body instanceof BytesRequestBody) {
            BytesRequestBody bytes = (BytesRequestBody) body;
            channel.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(bytes.array(), bytes.offset(),
                    (int) bytes.contentLength()))).addListener(lastWritten);
            return;
        }
        // Zero-copy only on a plain socket: no SslHandler, neither the origin's nor an https proxy's.
        if (body instanceof FileRequestBody && channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null) {
            FileRequestBody file = (FileRequestBody) body;
            channel.write(new DefaultFileRegion(file.file().toFile(), 0, file.contentLength())).addListener(chunkWritten);
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(lastWritten);
            return;
        }
        Flow.Publisher<ByteBuffer> publisher;
        try {
            publisher = body.publisher();
        } catch (RuntimeException e) {
            failed(new IOException("the request body cannot be sent: " + e.getMessage(), e));
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
                bodyBytes += item.remaining();
                long declared = request.body().contentLength();
                if (declared >= 0 && bodyBytes > declared) {
                    failed(new IOException("the request body publisher produced more than the declared length of "
                            + declared + " bytes"));
                    return;
                }
                channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(item))).addListener(chunkWritten);
                if (channel.isWritable()) {
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
                    failed(new IOException("the request body publisher failed: " + error, error));
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
                long declared = request.body().contentLength();
                if (declared >= 0 && bodyBytes != declared) {
                    failed(new IOException("the request body publisher produced " + bodyBytes
                            + " bytes but declared " + declared));
                    return;
                }
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(lastWritten);
            });
        }
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

    private void failed(Throwable cause) {
        if (stopped && exchange.isFinished()) {
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
     * The request's header fields as the codec writes them: the caller's, minus the framing ones Courier
     * decides, plus Host, User-Agent, Content-Length or Transfer-Encoding, Accept-Encoding and Connection.
     * Built as a flat read-only array (the codec only iterates it): a fraction of a hashed header map's cost.
     */
    private HttpHeaders headers(RequestBody body, ProxyEndpoint proxy) {
        Headers user = request.headers();
        String proxyAuthorization = proxy == null ? null : proxy.basicAuthorization();
        CharSequence[] fields = new CharSequence[2 * (user.size() + 7)];
        int n = 0;
        String host = user.first("Host");
        fields[n++] = HttpHeaderNames.HOST;
        fields[n++] = host != null ? host : request.hostHeader();
        boolean hasUserAgent = false;
        boolean hasAcceptEncoding = false;
        boolean hasRange = false;
        boolean hasConnectionClose = false;
        for (int i = 0; i < user.size(); i++) {
            String name = user.name(i);
            if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue; // framing is ours to decide (Go ignores these too)
            }
            if (proxyAuthorization != null && name.equalsIgnoreCase("Proxy-Authorization")) {
                continue; // the proxy URL's credentials win, as Go's Header.Set does
            }
            hasUserAgent |= name.equalsIgnoreCase("User-Agent");
            hasAcceptEncoding |= name.equalsIgnoreCase("Accept-Encoding");
            hasRange |= name.equalsIgnoreCase("Range");
            if (name.equalsIgnoreCase("Connection") && user.value(i).toLowerCase(java.util.Locale.ROOT).contains("close")) {
                hasConnectionClose = true;
            }
            fields[n++] = name;
            fields[n++] = user.value(i);
        }
        if (!hasUserAgent && !ctx.userAgent().isEmpty()) {
            fields[n++] = HttpHeaderNames.USER_AGENT;
            fields[n++] = ctx.userAgent();
        }
        if (body != null) {
            long length = body.contentLength();
            if (length >= 0) {
                fields[n++] = HttpHeaderNames.CONTENT_LENGTH;
                fields[n++] = Long.toString(length);
            } else {
                fields[n++] = HttpHeaderNames.TRANSFER_ENCODING;
                fields[n++] = HttpHeaderValues.CHUNKED;
            }
        } else if (needsZeroLength(request.method())) {
            fields[n++] = HttpHeaderNames.CONTENT_LENGTH;
            fields[n++] = ZERO;
        }
        // Go's rule: ask for compression only when the caller expressed no preference and decoding
        // cannot confuse them (a HEAD has no body; a Range of a compressed body is a range of bytes
        // the caller could not decode).
        if (!ctx.disableCompression() && !hasAcceptEncoding && !hasRange && !request.method().equals("HEAD")) {
            fields[n++] = HttpHeaderNames.ACCEPT_ENCODING;
            fields[n++] = GZIP_DEFLATE;
            addedAcceptEncoding = true;
        }
        if (proxyAuthorization != null) {
            fields[n++] = HttpHeaderNames.PROXY_AUTHORIZATION;
            fields[n++] = proxyAuthorization;
        }
        if (ctx.disableKeepAlives() && !hasConnectionClose) {
            fields[n++] = HttpHeaderNames.CONNECTION;
            fields[n++] = HttpHeaderValues.CLOSE;
        }
        return new ReadOnlyHttpHeaders(false, n == fields.length ? fields : java.util.Arrays.copyOf(fields, n));
    }

    private static boolean needsZeroLength(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
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

    /** The request target in origin form (RFC 9112 section 3.2.1): path and query, never the fragment. */
    static String target(URI uri) {
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        return query == null ? path : path + "?" + query;
    }
}
