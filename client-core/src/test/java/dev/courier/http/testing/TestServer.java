package dev.courier.http.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.X509Bundle;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A scriptable, fault-injecting HTTP/1.1 server on Netty for tests, in the spirit of OkHttp's MockWebServer.
 *
 * <p>Each request takes the next {@linkplain #enqueue enqueued} {@link ServerResponse}; when the queue is empty the
 * {@linkplain #dispatcher dispatcher} answers (by default 200 {@code ok}). Every request is recorded and can be
 * {@linkplain #takeRequest() taken} in arrival order. The server runs on its own one-thread NIO event loop.
 */
public final class TestServer implements AutoCloseable {

    private static final Duration DEFAULT_TAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final long WAIT_SECONDS = 10;
    private static final Function<RecordedRequest, ServerResponse> DEFAULT_DISPATCHER =
            request -> ServerResponse.status(200).header("Content-Type", "text/plain").body("ok");

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ChannelGroup channels;
    private final Channel serverChannel;
    private final InetSocketAddress address;
    private final ConcurrentLinkedQueue<ServerResponse> responses = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicLong bodyBytesWritten = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Function<RecordedRequest, ServerResponse> dispatcher = DEFAULT_DISPATCHER;
    private final SslContext tls;
    private final LinkedBlockingQueue<String> sniHostNames = new LinkedBlockingQueue<>();

    private TestServer(InetAddress bindAddress, SslContext tls) {
        this.tls = tls;
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-server", true),
                NioIoHandler.newFactory());
        loop = group.next();
        channels = new DefaultChannelGroup("test-server-connections", loop);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            int index = connectionCount.getAndIncrement();
                            channels.add(ch);
                            if (tls != null) {
                                ch.pipeline().addLast(new SniHandler((io.netty.util.Mapping<String, SslContext>) host -> {
                                    sniHostNames.add(host == null ? "" : host);
                                    return tls;
                                }));
                            }
                            ch.pipeline().addLast(new HttpRequestDecoder(new HttpDecoderConfig()
                                    .setMaxInitialLineLength(64 * 1024)
                                    .setMaxHeaderSize(1024 * 1024)
                                    .setMaxChunkSize(64 * 1024)));
                            ch.pipeline().addLast(new ServerConnection(TestServer.this, index));
                        }
                    });
            serverChannel = bootstrap.bind(bindAddress, 0).syncUninterruptibly().channel();
            address = (InetSocketAddress) serverChannel.localAddress();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Starts a server on 127.0.0.1 and an ephemeral port. */
    public static TestServer start() {
        try {
            return start(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a server on this address (e.g. {@code ::1}) and an ephemeral port. */
    public static TestServer start(InetAddress bindAddress) {
        return new TestServer(Objects.requireNonNull(bindAddress, "bindAddress"), null);
    }

    /** Starts an https server on 127.0.0.1 presenting {@code certificate} (its key and chain). */
    public static TestServer startTls(X509Bundle certificate) {
        return startTls(certificate, null);
    }

    /**
     * Starts an https server on 127.0.0.1 presenting {@code certificate}; with {@code requireClientCertFrom}
     * non-null it requires a client certificate issued by that CA (mTLS).
     */
    public static TestServer startTls(X509Bundle certificate, X509Bundle requireClientCertFrom) {
        Objects.requireNonNull(certificate, "certificate");
        try {
            SslContextBuilder b = SslContextBuilder.forServer(certificate.getKeyPair().getPrivate(),
                    certificate.getCertificatePath()).sslProvider(SslProvider.JDK);
            if (requireClientCertFrom != null) {
                b.trustManager(requireClientCertFrom.getCertificate()).clientAuth(ClientAuth.REQUIRE);
            }
            return new TestServer(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), b.build());
        } catch (UnknownHostException | javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the server speaks TLS. */
    public boolean isTls() {
        return tls != null;
    }

    /**
     * Waits up to 10 s for the next TLS ClientHello and returns the SNI host name it carried ("" when it
     * carried none); AssertionError if no handshake arrives.
     */
    public String takeSniHostName() {
        try {
            String host = sniHostNames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (host == null) {
                throw new AssertionError("no TLS ClientHello within " + WAIT_SECONDS + " s");
            }
            return host;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a ClientHello", e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return address.getPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code http://HOST:PORT} (https when the server speaks TLS) followed by {@code pathAndQuery} (IPv6 hosts in brackets). */
    public URI uri(String pathAndQuery) {
        String path = pathAndQuery.isEmpty() || pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery;
        String host = address.getAddress().getHostAddress();
        int scope = host.indexOf('%');
        if (scope >= 0) {
            host = host.substring(0, scope);
        }
        if (address.getAddress() instanceof Inet6Address) {
            host = "[" + host + "]";
        }
        return URI.create((tls != null ? "https://" : "http://") + host + ":" + port() + path);
    }

    /** Queues a response: each request takes the next one, in FIFO order, before the dispatcher is asked. */
    public void enqueue(ServerResponse response) {
        responses.add(Objects.requireNonNull(response, "response"));
    }

    /** Sets what answers requests when the queue is empty (called on the server's event loop). */
    public void dispatcher(Function<RecordedRequest, ServerResponse> d) {
        this.dispatcher = Objects.requireNonNull(d, "dispatcher");
    }

    /** Waits up to 10 s for the next recorded request; AssertionError if none arrives. */
    public RecordedRequest takeRequest() {
        return takeRequest(DEFAULT_TAKE_TIMEOUT);
    }

    /** Waits up to {@code timeout} for the next recorded request; AssertionError if none arrives. */
    public RecordedRequest takeRequest(Duration timeout) {
        try {
            RecordedRequest r = requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no request recorded within " + timeout + " (" + requestCount()
                        + " request heads received so far)");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a request", e);
        }
    }

    /** Number of requests whose headers were received. */
    public int requestCount() {
        return requestCount.get();
    }

    /** Number of connections accepted so far. */
    public int connectionCount() {
        return connectionCount.get();
    }

    /** Number of connections currently open. */
    public int openConnections() {
        return loop.isShuttingDown() ? channels.size() : onLoop(channels::size);
    }

    /** Closes (FIN) every connection that is not reading a request or writing a response, and waits for that. */
    public void closeIdleConnections() {
        if (loop.isShuttingDown()) {
            return;
        }
        List<ChannelFuture> closing = onLoop(() -> {
            List<ChannelFuture> futures = new ArrayList<>();
            for (Channel ch : channels) {
                ServerConnection c = ch.pipeline().get(ServerConnection.class);
                if (c == null || c.isIdle()) {
                    futures.add(ch.close());
                }
            }
            return futures;
        });
        if (loop.inEventLoop()) {
            return;
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        onLoop(() -> null); // let the group forget the closed channels
    }

    /** Closes every connection and waits for that. */
    public void closeAllConnections() {
        if (loop.inEventLoop()) {
            channels.close();
            return;
        }
        if (loop.isShuttingDown()) {
            return;
        }
        channels.close().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
        onLoop(() -> null); // let the group forget the closed channels
    }

    /** Response body bytes (payload, without chunk framing) written to sockets so far, over all connections. */
    public long bodyBytesWritten() {
        // Read on the loop so that writes whose bytes a client already received are counted.
        return loop.isShuttingDown() ? bodyBytesWritten.get() : onLoop(bodyBytesWritten::get);
    }

    /** Closes the listening socket and every connection, then waits for the event loop to stop. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            serverChannel.close().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
            closeAllConnections();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "TestServer[" + uri("") + "]";
    }

    // ---- called by the connections, on the event loop ----

    void requestHeadersReceived() {
        requestCount.incrementAndGet();
    }

    void record(RecordedRequest request) {
        requests.add(request);
    }

    ServerResponse nextResponse(RecordedRequest request) {
        ServerResponse next = responses.poll();
        if (next != null) {
            return next;
        }
        try {
            return Objects.requireNonNull(dispatcher.apply(request), "dispatcher returned null");
        } catch (RuntimeException | Error e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return ServerResponse.status(500).header("Content-Type", "text/plain").body(trace.toString());
        }
    }

    void addBodyBytesWritten(long n) {
        bodyBytesWritten.addAndGet(n);
    }

    private <T> T onLoop(Callable<T> task) {
        try {
            if (loop.inEventLoop()) {
                return task.call();
            }
            return loop.submit(task).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("server event loop did not answer", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
