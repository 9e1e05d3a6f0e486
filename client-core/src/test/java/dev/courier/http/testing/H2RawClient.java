package dev.courier.http.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2EventAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare Netty HTTP/2 client for the {@link H2TestServer} self-tests: it speaks h2c with prior knowledge (which the
 * JDK client cannot) or TLS with ALPN h2, and shows the frames the server sent (interim HEADERS, RST_STREAM codes,
 * GOAWAY, PING acks). With manual flow control it returns no credit until {@link #consumeAll} is called.
 */
final class H2RawClient implements AutoCloseable {

    private static final long WAIT_SECONDS = 10;

    /** What the server sent on one stream, once it ended, was reset, or the stream or connection closed. */
    record Response(int streamId, List<Http2Headers> informational, Http2Headers headers, byte[] body,
            Http2Headers trailers, long resetCode, boolean ended) {
        int status() {
            return headers == null ? -1 : Integer.parseInt(headers.status().toString());
        }

        String header(String name) {
            CharSequence v = headers == null ? null : headers.get(name);
            return v == null ? null : v.toString();
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A GOAWAY from the server. */
    record GoAwayFrame(int lastStreamId, long errorCode, String debugData) {
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private final Http2ConnectionHandler handler;
    private final ChannelHandlerContext ctx;
    private final boolean manualFlowControl;
    private final String authority;
    private final String scheme;
    private final Map<Integer, StreamState> streams = new ConcurrentHashMap<>();
    private final CompletableFuture<Http2Settings> serverSettings = new CompletableFuture<>();
    private final LinkedBlockingQueue<GoAwayFrame> goAways = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Long> pingAcks = new LinkedBlockingQueue<>();

    private H2RawClient(H2TestServer server, Http2Settings settings, boolean manualFlowControl) {
        this.manualFlowControl = manualFlowControl;
        this.scheme = server.isTls() ? "https" : "http";
        this.authority = (server.isTls() ? "localhost:" : "127.0.0.1:") + server.port();
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("h2-raw-client", true),
                NioIoHandler.newFactory());
        SslContext tls = server.isTls() ? clientTls() : null;
        handler = new Http2ConnectionHandlerBuilder()
                .server(false)
                .initialSettings(settings)
                .frameListener(new Listener())
                .build();
        handler.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                StreamState s = streams.get(stream.id());
                if (s != null) {
                    s.complete(-1, false);
                }
            }
        });
        try {
            channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", server.port()));
                            }
                            ch.pipeline().addLast(handler);
                        }
                    })
                    .connect(server.address()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
            throw e;
        }
        ctx = channel.pipeline().context(handler);
        channel.closeFuture().addListener(f -> streams.values().forEach(s -> s.complete(-1, false)));
    }

    /** Connects with Netty's default settings and automatic flow control. */
    static H2RawClient connect(H2TestServer server) {
        return connect(server, new Http2Settings(), false);
    }

    /** Connects advertising {@code settings}; with {@code manualFlowControl} received DATA is only credited by {@link #consumeAll}. */
    static H2RawClient connect(H2TestServer server, Http2Settings settings, boolean manualFlowControl) {
        return new H2RawClient(server, settings, manualFlowControl);
    }

    /** Sends a GET with END_STREAM and returns its stream id. */
    int get(String path) {
        return request("GET", path, true);
    }

    /** Sends request HEADERS (plus {@code nameValuePairs}) and returns the new stream id. */
    int request(String method, String path, boolean endStream, String... nameValuePairs) {
        return onLoop(() -> {
            int id = handler.connection().local().incrementAndGetNextStreamId();
            Http2Headers headers = new DefaultHttp2Headers().method(method).path(path).scheme(scheme)
                    .authority(authority);
            for (int i = 0; i < nameValuePairs.length; i += 2) {
                headers.add(nameValuePairs[i], nameValuePairs[i + 1]);
            }
            streams.put(id, new StreamState(id));
            handler.encoder().writeHeaders(ctx, id, headers, 0, endStream, ctx.newPromise());
            handler.flush(ctx);
            return id;
        });
    }

    /** Sends DATA (split by the flow controller as the server's windows allow). */
    void data(int streamId, byte[] bytes, boolean endStream) {
        onLoop(() -> {
            handler.encoder().writeData(ctx, streamId, Unpooled.wrappedBuffer(bytes), 0, endStream, ctx.newPromise());
            handler.flush(ctx);
            return null;
        });
    }

    /** Sends trailers (HEADERS with END_STREAM). */
    void trailers(int streamId, String... nameValuePairs) {
        onLoop(() -> {
            Http2Headers headers = new DefaultHttp2Headers();
            for (int i = 0; i < nameValuePairs.length; i += 2) {
                headers.add(nameValuePairs[i], nameValuePairs[i + 1]);
            }
            handler.encoder().writeHeaders(ctx, streamId, headers, 0, true, ctx.newPromise());
            handler.flush(ctx);
            return null;
        });
    }

    /** Sends RST_STREAM. */
    void reset(int streamId, long errorCode) {
        onLoop(() -> {
            handler.resetStream(ctx, streamId, errorCode, ctx.newPromise());
            handler.flush(ctx);
            return null;
        });
    }

    /** Sends a PING with this payload. */
    void ping(long data) {
        onLoop(() -> {
            handler.encoder().writePing(ctx, false, data, ctx.newPromise());
            handler.flush(ctx);
            return null;
        });
    }

    /** Lets this client open streams beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS (call after {@link #serverSettings()}). */
    void ignoreServerStreamLimit() {
        onLoop(() -> {
            handler.connection().local().maxActiveStreams(Integer.MAX_VALUE);
            return null;
        });
    }

    /** Credits every DATA byte received and not yet credited on this stream (manual flow control). */
    void consumeAll(int streamId) {
        onLoop(() -> {
            Http2Stream stream = handler.connection().stream(streamId);
            if (stream != null) {
                Http2LocalFlowController flow = handler.decoder().flowController();
                int unconsumed = flow.unconsumedBytes(stream);
                if (unconsumed > 0) {
                    flow.consumeBytes(stream, unconsumed);
                }
                handler.flush(ctx);
            }
            return null;
        });
    }

    /** DATA bytes received on this stream so far. */
    long dataBytesReceived(int streamId) {
        return streams.get(streamId).received;
    }

    /** Waits up to 10 s for the stream to end, be reset or close; AssertionError otherwise. */
    Response response(int streamId) {
        return await(streams.get(streamId).done, "the response on stream " + streamId);
    }

    /** The stream's outcome if it has one now, else null. */
    Response responseNow(int streamId) {
        return streams.get(streamId).done.getNow(null);
    }

    /** Waits up to 10 s for the final response HEADERS of the stream. */
    Http2Headers awaitHeaders(int streamId) {
        return await(streams.get(streamId).headersReceived, "response headers on stream " + streamId);
    }

    /** Waits up to 10 s for the first interim (1xx) HEADERS of the stream. */
    Http2Headers awaitInformational(int streamId) {
        return await(streams.get(streamId).informationalReceived, "a 1xx response on stream " + streamId);
    }

    /** Waits up to 10 s for the server's first SETTINGS. */
    Http2Settings serverSettings() {
        return await(serverSettings, "the server's SETTINGS");
    }

    /** Waits up to 10 s for a GOAWAY from the server. */
    GoAwayFrame awaitGoAway() {
        GoAwayFrame g = poll(goAways, Duration.ofSeconds(WAIT_SECONDS));
        if (g == null) {
            throw new AssertionError("no GOAWAY within " + WAIT_SECONDS + " s");
        }
        return g;
    }

    /** The GOAWAY frames received and not yet taken. */
    List<GoAwayFrame> goAwaysReceived() {
        return new ArrayList<>(goAways);
    }

    /** Waits up to {@code timeout} for a PING ack and returns its payload, or null if none came. */
    Long awaitPingAck(Duration timeout) {
        return poll(pingAcks, timeout);
    }

    /** Waits up to 10 s for the connection to close; AssertionError otherwise. */
    void awaitClosed() {
        if (!channel.closeFuture().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the connection did not close within " + WAIT_SECONDS + " s");
        }
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /** The protocol ALPN chose, or null for h2c. */
    String negotiatedProtocol() {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        return ssl == null ? null : ssl.applicationProtocol();
    }

    @Override
    public void close() {
        try {
            channel.close().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static SslContext clientTls() {
        try {
            return SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(TestCertificates.get().ca().getCertificate())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2))
                    .build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T onLoop(Callable<T> task) {
        try {
            return channel.eventLoop().submit(task).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("raw h2 client operation failed", e);
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no " + what + " within " + WAIT_SECONDS + " s");
        } catch (Exception e) {
            throw new AssertionError("waiting for " + what + " failed", e);
        }
    }

    private static <T> T poll(LinkedBlockingQueue<T> queue, Duration timeout) {
        try {
            return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** What arrived on one stream; written on the client's event loop, read by the test. */
    private static final class StreamState {
        final int id;
        final List<Http2Headers> informational = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final CompletableFuture<Http2Headers> headersReceived = new CompletableFuture<>();
        final CompletableFuture<Http2Headers> informationalReceived = new CompletableFuture<>();
        final CompletableFuture<Response> done = new CompletableFuture<>();
        Http2Headers headers;
        Http2Headers trailers;
        volatile long received;

        StreamState(int id) {
            this.id = id;
        }

        synchronized void complete(long resetCode, boolean ended) {
            if (!done.isDone()) {
                done.complete(new Response(id, List.copyOf(informational), headers, body.toByteArray(), trailers,
                        resetCode, ended));
            }
        }
    }

    private final class Listener extends Http2EventAdapter {
        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                boolean endOfStream) {
            StreamState s = streams.get(streamId);
            if (s == null) {
                return;
            }
            synchronized (s) {
                if (s.headers == null && headers.status() != null && headers.status().charAt(0) == '1') {
                    s.informational.add(headers);
                    s.informationalReceived.complete(headers);
                } else if (s.headers == null) {
                    s.headers = headers;
                    s.headersReceived.complete(headers);
                } else {
                    s.trailers = headers;
                }
            }
            if (endOfStream) {
                s.complete(-1, true);
            }
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                int streamDependency, short weight, boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                boolean endOfStream) {
            int length = data.readableBytes();
            StreamState s = streams.get(streamId);
            if (s != null) {
                synchronized (s) {
                    s.body.writeBytes(ByteBufUtil.getBytes(data));
                    s.received += length;
                }
                if (endOfStream) {
                    s.complete(-1, true);
                }
            }
            return manualFlowControl ? 0 : length + padding;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            StreamState s = streams.get(streamId);
            if (s != null) {
                s.complete(errorCode, false);
            }
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
            Http2Settings copy = new Http2Settings();
            copy.putAll(settings);
            serverSettings.complete(copy);
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) {
            pingAcks.add(data);
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            goAways.add(new GoAwayFrame(lastStreamId, errorCode, debugData.toString(StandardCharsets.UTF_8)));
        }
    }
}
