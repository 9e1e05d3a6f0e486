package dev.courier.http.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerEncoder;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.X509Bundle;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable tunnelling proxy on 127.0.0.1 for what no Debian peer here can show: an HTTP CONNECT
 * proxy that answers the first N CONNECTs with 407 ({@link #challenge}), optionally over TLS, a
 * SOCKS4a proxy that records the host name it was given (danted rejects SOCKS4a names), and a SOCKS5
 * proxy whose failure replies are the protocol's own, without a process to start. It records every
 * CONNECT (or SOCKS4 command) as a {@link RecordedRequest}, connects to the target, and relays bytes both
 * ways. Runs on its own one-thread event loop; {@link #close()} closes everything.
 */
public final class TunnelProxy implements AutoCloseable {
    /** What the proxy speaks. */
    public enum Kind { CONNECT, SOCKS4A, SOCKS5 }

    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final Channel server;
    private final Kind kind;
    private final boolean tls;
    private final AtomicInteger challenges = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final LinkedBlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();

    private TunnelProxy(Kind kind, X509Bundle certificate) {
        this.kind = kind;
        this.tls = certificate != null;
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tunnel-proxy", true), NioIoHandler.newFactory());
        channels = new DefaultChannelGroup("tunnel-proxy", group.next());
        try {
            SslContext ssl = certificate == null ? null : SslContextBuilder.forServer(
                    certificate.getKeyPair().getPrivate(), certificate.getCertificatePath()).sslProvider(SslProvider.JDK).build();
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            int index = connections.getAndIncrement();
                            channels.add(ch);
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                            }
                            if (kind == Kind.CONNECT) {
                                ch.pipeline().addLast(new HttpRequestDecoder());
                                ch.pipeline().addLast(new TunnelConnectHandler(TunnelProxy.this, index));
                            } else if (kind == Kind.SOCKS5) {
                                ch.pipeline().addLast(Socks5ServerEncoder.DEFAULT);
                                ch.pipeline().addLast(new Socks5InitialRequestDecoder());
                                ch.pipeline().addLast(new TunnelSocks5Handler(TunnelProxy.this, index));
                            } else {
                                ch.pipeline().addLast(Socks4ServerEncoder.INSTANCE);
                                ch.pipeline().addLast(new Socks4ServerDecoder());
                                ch.pipeline().addLast(new TunnelSocks4Handler(TunnelProxy.this, index));
                            }
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0).syncUninterruptibly().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot start the tunnel proxy", e);
        }
    }

    /** A plain HTTP CONNECT proxy. */
    public static TunnelProxy connect() {
        return new TunnelProxy(Kind.CONNECT, null);
    }

    /** An HTTP CONNECT proxy spoken to over TLS, presenting {@code certificate}. */
    public static TunnelProxy connectOverTls(X509Bundle certificate) {
        return new TunnelProxy(Kind.CONNECT, certificate);
    }

    /**
     * A SOCKS5 proxy without authentication; a target it cannot connect to gets the reply "connection refused"
     * (RFC 1928 section 6, X'05').
     */
    public static TunnelProxy socks5() {
        return new TunnelProxy(Kind.SOCKS5, null);
    }

    /** A SOCKS4 proxy with the 4a extension. */
    public static TunnelProxy socks4a() {
        return new TunnelProxy(Kind.SOCKS4A, null);
    }

    /** Answers the next {@code n} CONNECTs with 407 Proxy Authentication Required (and closes those connections). */
    public void challenge(int n) {
        challenges.set(n);
    }

    /** The proxy's URI with {@code userInfo} ("user:password") when non-null: http, https or socks4a. */
    public URI uri(String userInfo) {
        String scheme = kind == Kind.SOCKS4A ? "socks4a" : kind == Kind.SOCKS5 ? "socks5" : tls ? "https" : "http";
        return URI.create(scheme + "://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + port());
    }

    public int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    /** Waits up to 10 s for the next CONNECT or SOCKS4 command; AssertionError if none arrives. */
    public RecordedRequest takeRequest() {
        try {
            RecordedRequest r = requests.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("the tunnel proxy received no request within 10 s");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Requests received and not yet taken. */
    public int pendingRequests() {
        return requests.size();
    }

    // ---- for the handlers, on the event loop ----

    void record(RecordedRequest request) {
        requests.add(request);
    }

    boolean takeChallenge() {
        return challenges.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** Connects to {@code hostPort}, then writes {@code granted} to {@code client} and relays; {@code refused} if it cannot. */
    void openTunnel(Channel client, String hostPort, Object granted, Object refused) {
        URI target = URI.create("tcp://" + hostPort);
        client.config().setAutoRead(false);
        new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new Relay(client))
                .connect(target.getHost().replace("[", "").replace("]", ""), target.getPort())
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        client.writeAndFlush(refused instanceof byte[] ? Unpooled.wrappedBuffer((byte[]) refused) : refused)
                                .addListener(ChannelFutureListener.CLOSE);
                        return;
                    }
                    Channel origin = ((io.netty.channel.ChannelFuture) f).channel();
                    channels.add(origin);
                    client.writeAndFlush(granted instanceof byte[] ? Unpooled.wrappedBuffer((byte[]) granted) : granted);
                    client.pipeline().addLast(new Relay(origin));
                    client.config().setAutoRead(true);
                });
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
