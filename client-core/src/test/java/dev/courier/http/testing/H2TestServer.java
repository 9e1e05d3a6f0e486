package dev.courier.http.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.pkitesting.X509Bundle;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A scriptable, fault-injecting HTTP/2 server on Netty for tests, the HTTP/2 sibling of {@link TestServer}.
 *
 * <p>Each request (stream) takes the next {@linkplain #enqueue enqueued} {@link H2Response} once its body has ended;
 * when the queue is empty the {@linkplain #dispatcher dispatcher} answers (by default 200 {@code ok}). Every request
 * is recorded and can be {@linkplain #takeRequest() taken} in the order the requests ended. The server also counts
 * the control frames the client sends (RST_STREAM, PING, WINDOW_UPDATE, GOAWAY, SETTINGS) so tests can prove what a
 * client did on the wire. It runs on its own one-thread NIO event loop and binds 127.0.0.1.
 */
public final class H2TestServer extends ScriptedServer<H2RecordedRequest, H2Response> {

    /** A RST_STREAM the client sent. */
    public record Reset(int connectionIndex, int streamId, long errorCode) {
    }

    /** A WINDOW_UPDATE the client sent (stream 0: the connection window). */
    public record WindowUpdate(int connectionIndex, int streamId, int increment) {
    }

    /** A GOAWAY the client sent. */
    public record GoAway(int connectionIndex, int lastStreamId, long errorCode, String debugData) {
    }

    private static final Function<H2RecordedRequest, H2Response> DEFAULT_DISPATCHER =
            request -> H2Response.status(200).header("content-type", "text/plain").body("ok");

    private final SslContext tls;
    private final boolean http1Fallback;
    private final H2Settings settings;
    private final AtomicLong bodyBytesWritten = new AtomicLong();
    private final AtomicLong requestBodyBytesReceived = new AtomicLong();
    private final AtomicInteger pingsReceived = new AtomicInteger();
    private final ConcurrentLinkedQueue<Reset> resets = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<WindowUpdate> windowUpdates = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<GoAway> goAways = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Http2Settings> clientSettings = new ConcurrentHashMap<>();
    private final boolean silent;
    private volatile boolean ignorePings;
    private volatile boolean stallRequestBodies;
    private volatile boolean ignoreExpectContinue;
    private volatile long resetAfterRequestBodyBytes = -1;
    private volatile boolean holdSettings;
    /** Gates of HTTP/2 connections set up while {@link #holdSettings} was on, by index; event-loop confined. */
    private final Map<Integer, OutboundGate> heldSettings = new java.util.HashMap<>();
    private volatile boolean holdWrites;

    private H2TestServer(SslContext tls, boolean http1Fallback, H2Settings settings) {
        this(tls, http1Fallback, settings, false);
    }

    private H2TestServer(SslContext tls, boolean http1Fallback, H2Settings settings, boolean silent) {
        super("h2-test-server", DEFAULT_DISPATCHER);
        this.tls = tls;
        this.http1Fallback = http1Fallback;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.silent = silent;
        bind(loopback(), false);
    }

    @Override
    void initConnection(SocketChannel ch, int index) {
        if (tls == null) {
            addHttp2(ch.pipeline(), index, "h2c");
        } else {
            ch.pipeline().addLast(configure(tls.newHandler(ch.alloc())), new H2AlpnHandler(this, index, http1Fallback));
        }
    }

    @Override
    H2Response errorResponse(String stackTrace) {
        return H2Response.status(500).header("content-type", "text/plain").body(stackTrace);
    }

    /** Starts an https server presenting {@code certificate}; ALPN offers h2 only. */
    public static H2TestServer startTls(X509Bundle certificate) {
        return startTls(certificate, H2Settings.defaults());
    }

    /** Starts an https server presenting {@code certificate} and advertising {@code settings}; ALPN offers h2 only. */
    public static H2TestServer startTls(X509Bundle certificate, H2Settings settings) {
        return new H2TestServer(serverTls(certificate, ApplicationProtocolNames.HTTP_2), false, settings);
    }

    /**
     * Starts an https server presenting {@code certificate} that requires a client certificate issued by
     * {@code clientCa} (mTLS); ALPN offers h2 only. With TLS 1.3 a client without one completes its handshake and
     * learns of the refusal only from the alert that follows.
     */
    public static H2TestServer startTlsRequiringClientCertificate(X509Bundle certificate, X509Bundle clientCa) {
        return new H2TestServer(serverTls(certificate, clientCa, ApplicationProtocolNames.HTTP_2), false,
                H2Settings.defaults());
    }

    /**
     * Starts an https server that negotiates h2 by ALPN and then never writes a byte: no SETTINGS (RFC 9113 section
     * 3.4 requires them first), no answer; it reads and drops what the client sends.
     */
    public static H2TestServer startTlsWithoutSettings(X509Bundle certificate) {
        return new H2TestServer(serverTls(certificate, ApplicationProtocolNames.HTTP_2), false, H2Settings.defaults(),
                true);
    }

    /**
     * Starts an https server whose ALPN offers h2 and http/1.1: an HTTP/2 client gets the scripted server, an
     * HTTP/1.1 one a plain {@code 200 http1} to every request (recorded with protocol {@code http/1.1}).
     */
    public static H2TestServer startTlsWithHttp1Fallback(X509Bundle certificate) {
        return startTlsWithHttp1Fallback(certificate, H2Settings.defaults());
    }

    /** {@link #startTlsWithHttp1Fallback(X509Bundle)} advertising {@code settings} to HTTP/2 clients. */
    public static H2TestServer startTlsWithHttp1Fallback(X509Bundle certificate, H2Settings settings) {
        return new H2TestServer(serverTls(certificate, ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1), true, settings);
    }

    /** Starts a plaintext HTTP/2 server for clients with prior knowledge (they send the preface at once). */
    public static H2TestServer startH2c() {
        return startH2c(H2Settings.defaults());
    }

    /** {@link #startH2c()} advertising {@code settings}. */
    public static H2TestServer startH2c(H2Settings settings) {
        return new H2TestServer(null, false, settings);
    }

    /** Whether the server speaks TLS. */
    public boolean isTls() {
        return tls != null;
    }

    /**
     * {@code https://localhost:PORT} (TLS; the test certificate names localhost) or {@code http://127.0.0.1:PORT}
     * (h2c), followed by {@code pathAndQuery}.
     */
    @Override
    public URI uri(String pathAndQuery) {
        String path = pathAndQuery.isEmpty() || pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery;
        return URI.create((tls != null ? "https://localhost:" : "http://127.0.0.1:") + port() + path);
    }

    /** The RST_STREAM frames the client sent, in arrival order. */
    public List<Reset> resetsReceived() {
        return List.copyOf(resets);
    }

    /** Number of PING frames (not acks) the client sent. */
    public int pingsReceived() {
        return pingsReceived.get();
    }

    /** The WINDOW_UPDATE frames the client sent, in arrival order. */
    public List<WindowUpdate> windowUpdatesReceived() {
        return List.copyOf(windowUpdates);
    }

    /**
     * Sum of the WINDOW_UPDATE increments the client sent for {@code streamId} (0: the connection windows), over
     * all connections; use {@link #windowUpdateBytesReceived(int, int)} when several connections reuse stream ids.
     */
    public long windowUpdateBytesReceived(int streamId) {
        return windowUpdates.stream().filter(u -> u.streamId() == streamId).mapToLong(WindowUpdate::increment).sum();
    }

    /** Sum of the WINDOW_UPDATE increments the client sent for {@code streamId} on one connection. */
    public long windowUpdateBytesReceived(int connectionIndex, int streamId) {
        return windowUpdates.stream().filter(u -> u.connectionIndex() == connectionIndex && u.streamId() == streamId)
                .mapToLong(WindowUpdate::increment).sum();
    }

    /** The GOAWAY frames the client sent, in arrival order. */
    public List<GoAway> goAwaysReceived() {
        return List.copyOf(goAways);
    }

    /** The settings the client's SETTINGS frames carried on this connection (merged), or null if none arrived yet. */
    public Http2Settings clientSettings(int connectionIndex) {
        Http2Settings s = clientSettings.get(connectionIndex);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            Http2Settings copy = new Http2Settings();
            copy.putAll(s);
            return copy;
        }
    }

    /** The settings the server advertises. */
    public H2Settings settings() {
        return settings;
    }

    /**
     * Response body bytes (DATA payload) handed to the sockets so far, over all streams and connections; the server
     * writes a DATA frame only within the client's flow-control windows.
     */
    public long bodyBytesWritten() {
        return bodyBytesWritten.get();
    }

    /** Request body bytes (DATA payload) received so far, over all streams and connections. */
    public long requestBodyBytesReceived() {
        return requestBodyBytesReceived.get();
    }

    /**
     * Sends GOAWAY now on every open HTTP/2 connection, with last-stream-id = the highest stream the client opened on
     * it; the streams in flight may finish, then each connection closes once it has no active stream.
     */
    public void goAway(long errorCode, String debugData) {
        Objects.requireNonNull(debugData, "debugData");
        onLoop(() -> {
            for (Channel ch : channels) {
                H2ServerConnection c = ch.pipeline().get(H2ServerConnection.class);
                if (c != null) {
                    c.goAwayNow(errorCode, debugData);
                }
            }
            return null;
        });
    }

    /** While true, PINGs from the client are counted but not acknowledged (by default every PING is acked). */
    public void ignorePings(boolean ignore) {
        this.ignorePings = ignore;
    }

    /**
     * While true, request DATA is read and recorded but its flow-control credit is withheld (no WINDOW_UPDATE), so a
     * client's upload stalls once the server's windows ({@link H2Settings#initialWindowSize()} per stream, 65,535
     * bytes per connection) are used up; setting it back to false returns all withheld credit.
     */
    public void stallRequestBodies(boolean stall) {
        this.stallRequestBodies = stall;
        if (!stall && !loop.isShuttingDown()) {
            onLoop(() -> {
                for (Channel ch : channels) {
                    H2ServerConnection c = ch.pipeline().get(H2ServerConnection.class);
                    if (c != null) {
                        c.releaseRequestBodyCredit();
                    }
                }
                return null;
            });
        }
    }

    /** While true, {@code Expect: 100-continue} gets no interim 100: the client sends its body after its own timeout. */
    public void ignoreExpectContinue(boolean ignore) {
        this.ignoreExpectContinue = ignore;
    }

    /**
     * While {@code bodyBytes >= 0}: a connection resets (TCP RST) once a request stream has delivered that many body
     * bytes, 0 meaning at its HEADERS; -1 (the default) turns it off.
     */
    public void resetWhileReadingRequest(long bodyBytes) {
        this.resetAfterRequestBodyBytes = bodyBytes;
    }

    /**
     * While true, each HTTP/2 connection set up from then on writes nothing, its first SETTINGS included, until
     * {@linkplain #releaseSettings released}; what it reads is processed (Netty applies the server's limits only once
     * the client acknowledges them). Scripted, so a test decides when the client learns the server's stream limit.
     */
    public void holdSettings(boolean hold) {
        this.holdSettings = hold;
    }

    /** Whether connection {@code index} is HTTP/2 (its TLS handshake done) and its output is held. */
    public boolean settingsHeld(int index) {
        return !loop.isShuttingDown() && onLoop(() -> heldSettings.containsKey(index));
    }

    /** Lets connection {@code index}, held by {@link #holdSettings}, send its SETTINGS and everything after. */
    public void releaseSettings(int index) {
        onLoop(() -> {
            OutboundGate gate = heldSettings.remove(index);
            if (gate == null) {
                throw new AssertionError("connection " + index + "'s SETTINGS are not held (held: "
                        + heldSettings.keySet() + ")");
            }
            gate.open();
            return null;
        });
    }

    /**
     * While true, every HTTP/2 connection that starts holds back all it writes, its preface SETTINGS first, while it
     * reads and records what the client sends; setting it back to false sends what was held, in order (the server's
     * preface reaches the client late). Connections that started before are not affected.
     */
    public void holdServerWrites(boolean hold) {
        this.holdWrites = hold;
        if (!hold && !loop.isShuttingDown()) {
            onLoop(() -> {
                for (Channel ch : channels) {
                    io.netty.channel.ChannelHandlerContext held = ch.pipeline().context(H2HeldWrites.class);
                    if (held != null) {
                        ((H2HeldWrites) held.handler()).release(held);
                    }
                }
                return null;
            });
        }
    }

    /** Closes every connection abruptly (no GOAWAY) and waits for that. */
    @Override
    public void closeAllConnections() {
        if (loop.isShuttingDown()) {
            return;
        }
        List<ChannelFuture> closing = onLoop(() -> {
            List<ChannelFuture> futures = new ArrayList<>();
            for (Channel ch : channels) {
                H2ServerConnection c = ch.pipeline().get(H2ServerConnection.class);
                if (c != null) {
                    c.closeAbruptly();
                } else {
                    ch.close();
                }
                futures.add(ch.closeFuture());
            }
            return futures;
        });
        awaitClosed(closing);
    }

    // ---- called by the connections, on the event loop ----

    /** Installs connection {@code connectionIndex}'s HTTP/2 handler ("h2" or "h2c"), behind a SETTINGS gate if held. */
    void addHttp2(io.netty.channel.ChannelPipeline p, int connectionIndex, String protocol) {
        if (holdSettings) {
            OutboundGate gate = new OutboundGate();
            p.addLast(gate);
            heldSettings.put(connectionIndex, gate);
        }
        if (holdWrites) {
            p.addLast(new H2HeldWrites());
        }
        p.addLast(H2ServerConnection.create(this, connectionIndex, protocol, settings));
    }

    boolean ignoringPings() {
        return ignorePings;
    }

    boolean ignoringExpectContinue() {
        return ignoreExpectContinue;
    }

    long resetAfterRequestBodyBytes() {
        return resetAfterRequestBodyBytes;
    }

    /** Whether connections stay silent after ALPN ({@link #startTlsWithoutSettings}). */
    boolean silent() {
        return silent;
    }

    boolean requestBodiesStalled() {
        return stallRequestBodies;
    }

    void addBodyBytesWritten(long n) {
        bodyBytesWritten.addAndGet(n);
    }

    void addRequestBodyBytesReceived(long n) {
        requestBodyBytesReceived.addAndGet(n);
    }

    void resetReceived(Reset reset) {
        if (recording()) {
            resets.add(reset);
        }
    }

    void pingReceived() {
        pingsReceived.incrementAndGet();
    }

    void windowUpdateReceived(WindowUpdate update) {
        if (recording()) {
            windowUpdates.add(update);
        }
    }

    void goAwayReceived(GoAway goAway) {
        if (recording()) {
            goAways.add(goAway);
        }
    }

    void settingsReceived(int connectionIndex, Http2Settings settings) {
        if (!recording()) {
            return;
        }
        Http2Settings merged = clientSettings.computeIfAbsent(connectionIndex, i -> new Http2Settings());
        synchronized (merged) {
            merged.putAll(settings);
        }
    }

    private static SslContext serverTls(X509Bundle certificate, String... alpn) {
        return serverTls(certificate, null, alpn);
    }

    private static SslContext serverTls(X509Bundle certificate, X509Bundle clientCa, String... alpn) {
        Objects.requireNonNull(certificate, "certificate");
        try {
            SslContextBuilder b = SslContextBuilder.forServer(certificate.getKeyPair().getPrivate(),
                    certificate.getCertificatePath());
            if (clientCa != null) {
                b.trustManager(clientCa.getCertificate()).clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE);
            }
            return b.sslProvider(SslProvider.JDK)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn))
                    .build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

}
