package dev.courier.http.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.X509Bundle;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A scriptable, fault-injecting HTTP/1.1 server on Netty for tests, in the spirit of OkHttp's MockWebServer.
 *
 * <p>Each request takes the next {@linkplain #enqueue enqueued} {@link ServerResponse}; when the queue is empty the
 * {@linkplain #dispatcher dispatcher} answers (by default 200 {@code ok}). Every request is recorded and can be
 * {@linkplain #takeRequest() taken} in arrival order. The server runs on its own one-thread NIO event loop.
 */
public final class TestServer extends ScriptedServer<RecordedRequest, ServerResponse> {
    private static final Function<RecordedRequest, ServerResponse> DEFAULT_DISPATCHER =
            request -> ServerResponse.status(200).header("Content-Type", "text/plain").body("ok");

    private final AtomicLong bodyBytesWritten = new AtomicLong();
    private final SslContext tls;
    private final LinkedBlockingQueue<String> sniHostNames = new LinkedBlockingQueue<>();
    private volatile long resetAfterRequestBodyBytes = -1;

    private TestServer(InetAddress bindAddress, SslContext tls) {
        super("test-server", DEFAULT_DISPATCHER);
        this.tls = tls;
        bind(bindAddress, true);
    }

    @Override
    void initConnection(SocketChannel ch, int index) {
        if (tls != null) {
            ch.pipeline().addLast(new SniHandler((io.netty.util.Mapping<String, SslContext>) host -> {
                if (recording()) {
                    sniHostNames.add(host == null ? "" : host);
                }
                return tls;
            }) {
                @Override
                protected io.netty.handler.ssl.SslHandler newSslHandler(SslContext context,
                        io.netty.buffer.ByteBufAllocator allocator) {
                    return configure(super.newSslHandler(context, allocator));
                }
            });
        }
        ch.pipeline().addLast(new HttpRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(64 * 1024)
                .setMaxHeaderSize(1024 * 1024)
                .setMaxChunkSize(64 * 1024)));
        ch.pipeline().addLast(new ServerConnection(this, index));
    }

    @Override
    ServerResponse errorResponse(String stackTrace) {
        return ServerResponse.status(500).header("Content-Type", "text/plain").body(stackTrace);
    }

    /** Starts a server on 127.0.0.1 and an ephemeral port. */
    public static TestServer start() {
        return start(loopback());
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
            return new TestServer(loopback(), b.build());
        } catch (javax.net.ssl.SSLException e) {
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

    /** {@code http://HOST:PORT} (https when the server speaks TLS) followed by {@code pathAndQuery} (IPv6 hosts in brackets). */
    @Override
    public URI uri(String pathAndQuery) {
        String path = pathAndQuery.isEmpty() || pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery;
        String host = address().getAddress().getHostAddress();
        int scope = host.indexOf('%');
        if (scope >= 0) {
            host = host.substring(0, scope);
        }
        if (address().getAddress() instanceof Inet6Address) {
            host = "[" + host + "]";
        }
        return URI.create((tls != null ? "https://" : "http://") + host + ":" + port() + path);
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
        awaitClosed(closing);
    }

    @Override
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

    /**
     * While {@code bodyBytes >= 0}: a connection reading a request resets (TCP RST, no response) once it has received
     * that many of the request's body bytes, 0 meaning at its head; -1 (the default) turns it off. The request is not
     * recorded.
     */
    public void resetWhileReadingRequest(long bodyBytes) {
        this.resetAfterRequestBodyBytes = bodyBytes;
    }

    /** Response body bytes (payload, without chunk framing) written to sockets so far, over all connections. */
    public long bodyBytesWritten() {
        // Read on the loop so that writes whose bytes a client already received are counted.
        return loop.isShuttingDown() ? bodyBytesWritten.get() : onLoop(bodyBytesWritten::get);
    }

    // ---- called by the connections, on the event loop ----

    long resetAfterRequestBodyBytes() {
        return resetAfterRequestBodyBytes;
    }

    void addBodyBytesWritten(long n) {
        bodyBytesWritten.addAndGet(n);
    }

}
