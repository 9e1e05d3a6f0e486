package dev.courier.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
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
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * A lean keep-alive HTTP/1.1 server for benchmarks: every request gets the same fixed body (1 KiB by
 * default) with Content-Length. Epoll when available, one event loop thread.
 */
public final class BenchServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    private BenchServer(int bodySize, int port) throws InterruptedException {
        byte[] body = new byte[bodySize];
        Arrays.fill(body, (byte) 'x');
        ByteBuf content = Unpooled.unreleasableBuffer(Unpooled.directBuffer(bodySize).writeBytes(body));
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        channel = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(1 << 20), new Responder(content));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    }

    public static BenchServer start(int bodySize) throws InterruptedException {
        return new BenchServer(bodySize, 0);
    }

    /** Runs the server alone, so that a benchmark's {@code -prof gc} counts the client's allocations only. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        BenchServer server = new BenchServer(size, port);
        System.out.println("BenchServer listening on 127.0.0.1:" + server.port() + ", body " + size + " bytes");
        server.channel.closeFuture().sync();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private static final class Responder extends SimpleChannelInboundHandler<HttpObject> {
        private final ByteBuf content;

        Responder(ByteBuf content) {
            this.content = content;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content.duplicate());
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
            ctx.writeAndFlush(r);
        }
    }
}
