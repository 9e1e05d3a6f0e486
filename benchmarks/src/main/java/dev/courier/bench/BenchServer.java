package dev.courier.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A lean HTTP/1.1 server for benchmarks: GET {@code /1m} returns 1 MiB, any other GET the default body
 * (1 KiB unless told), and a POST or PUT of any size is read as a stream, dropped, and answered "ok" once
 * its last byte arrived. Keep-alive unless the request says {@code Connection: close} or the server was
 * started with keep-alive off. Epoll when available, one event loop thread by default.
 *
 * <p>Run on its own ({@link #main}) it prints {@code PORT <n>}, serves until killed, then prints
 * {@code STATS connections=<accepted> requests=<answered>}; the comparison
 * runner (run-comparison.sh) starts it that way, in its own JVM, so that its CPU and allocations are not
 * counted as the client's.
 */
public final class BenchServer implements AutoCloseable {
    /** Size of the body {@code GET /1m} returns. */
    public static final int ONE_MIB = 1 << 20;
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel channel;
    private final java.util.concurrent.atomic.LongAdder connections = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder requests = new java.util.concurrent.atomic.LongAdder();

    private BenchServer(String host, int port, int bodySize, int threads, boolean keepAlive) throws InterruptedException {
        ByteBuf small = constant(bodySize);
        ByteBuf large = constant(ONE_MIB);
        ByteBuf ok = Unpooled.unreleasableBuffer(Unpooled.directBuffer(OK.length).writeBytes(OK));
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        channel = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.increment();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                                new HttpServerKeepAliveHandler(),
                                new Responder(small, large, ok, keepAlive, requests, BenchServer.this::status));
                    }
                })
                .bind(new InetSocketAddress(host, port)).sync().channel();
    }

    /** A keep-alive server on an ephemeral loopback port whose GETs (but {@code /1m}) return {@code bodySize} bytes. */
    public static BenchServer start(int bodySize) throws InterruptedException {
        return new BenchServer("127.0.0.1", 0, bodySize, 1, true);
    }

    /**
     * Serves until killed. Options: {@code --port N} (0, the default, picks a free one), {@code --host H}
     * (127.0.0.1), {@code --threads N} (1), {@code --body-size N} (1024), {@code --keep-alive off}.
     */
    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 0;
        int threads = 1;
        int bodySize = 1024;
        boolean keepAlive = true;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--host": host = value; break;
                case "--port": port = Integer.parseInt(value); break;
                case "--threads": threads = Integer.parseInt(value); break;
                case "--body-size": bodySize = Integer.parseInt(value); break;
                case "--keep-alive": keepAlive = !"off".equals(value); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --host, --port, --threads, --body-size, --keep-alive on|off)");
            }
        }
        BenchServer server = new BenchServer(host, port, bodySize, threads, keepAlive);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("STATS connections=" + server.connections() + " requests=" + server.requests());
            server.close();
        }, "bench-server-shutdown"));
        System.out.println("PORT " + server.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** nginx's stub_status page, with the figures this server keeps (accepted connections and requests). */
    private ByteBuf status() {
        String page = "Active connections: 0 \nserver accepts handled requests\n " + connections() + " " + connections()
                + " " + requests() + " \nReading: 0 Writing: 0 Waiting: 0 \n";
        return Unpooled.copiedBuffer(page, StandardCharsets.US_ASCII);
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.sum();
    }

    /** Requests answered so far. */
    public long requests() {
        return requests.sum();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static ByteBuf constant(int size) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeBytes(body));
    }

    /** Answers each request of one connection when its last content arrived; content in between is released unread. */
    private static final class Responder extends SimpleChannelInboundHandler<HttpObject> {
        private final ByteBuf small;
        private final ByteBuf large;
        private final ByteBuf ok;
        private final boolean keepAlive;
        private final java.util.concurrent.atomic.LongAdder requests;
        private final java.util.function.Supplier<ByteBuf> status;
        private HttpRequest pending;

        Responder(ByteBuf small, ByteBuf large, ByteBuf ok, boolean keepAlive, java.util.concurrent.atomic.LongAdder requests,
                  java.util.function.Supplier<ByteBuf> status) {
            this.requests = requests;
            this.status = status;
            this.small = small;
            this.large = large;
            this.ok = ok;
            this.keepAlive = keepAlive;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest) {
                HttpRequest request = (HttpRequest) msg;
                if (request.decoderResult().isFailure()) {
                    FullHttpResponse bad = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
                    bad.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                    ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                pending = request;
            }
            if (msg instanceof LastHttpContent && pending != null) {
                HttpRequest request = pending;
                pending = null;
                requests.increment();
                ctx.writeAndFlush(respond(request));
            }
        }

        private FullHttpResponse respond(HttpRequest request) {
            HttpMethod method = request.method();
            ByteBuf content;
            if (method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT)) {
                content = ok;
            } else if (request.uri().equals("/status")) {
                content = status.get(); // counts itself, as nginx's does
            } else if (request.uri().startsWith("/1m")) {
                content = large;
            } else {
                content = small;
            }
            boolean head = method.equals(HttpMethod.HEAD);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : content.duplicate());
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
            if (!keepAlive || !HttpUtil.isKeepAlive(request)) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            return r;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client that resets its connection is normal at the end of a run
        }
    }
}
