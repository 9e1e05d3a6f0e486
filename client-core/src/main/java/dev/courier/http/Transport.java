package dev.courier.http;

import dev.courier.http.internal.ConnectionEvents;
import dev.courier.http.internal.PipelineSetup;
import dev.courier.http.internal.TransportContext;
import dev.courier.http.internal.dial.IoTransports;
import dev.courier.http.internal.dial.NettyDialer;
import dev.courier.http.internal.h1.Http1Exchange;
import dev.courier.http.internal.pool.ConnectionPool;
import dev.courier.http.internal.pool.PoolConfig;
import io.netty.buffer.ByteBufAllocator;
import dev.courier.http.internal.proxy.ProxySetup;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.dns.DefaultDnsCache;
import io.netty.resolver.dns.DefaultDnsCnameCache;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import dev.courier.http.internal.tls.TlsConfig;
import dev.courier.http.internal.tls.TlsEngines;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The default {@link RoundTripper}: keeps pooled persistent connections per {@link RouteKey} and
 * performs one exchange per call (Go's {@code http.Transport}). Safe for concurrent use; create one
 * and share it, as each owns event loop threads and a connection pool. {@link #close()} releases them.
 *
 * <p>Defaults, and why they differ from Go's:
 * <ul>
 *   <li>{@code maxIdleConnsPerHost} 64 (Go: 2). Courier's users fire many concurrent requests at few
 *       hosts; with 2, every burst above 2 in flight closes connections on release and dials them again
 *       on the next burst, paying a handshake per request. 64 keeps a burst's connections warm.
 *   <li>{@code maxIdleConns} 256 across routes (Go: 100), so several busy hosts fit.
 *   <li>{@code idleConnTimeout} 90 s, {@code connectTimeout} 30 s, {@code tlsHandshakeTimeout} 10 s,
 *       {@code expectContinueTimeout} 1 s: Go's values.
 *   <li>{@code maxConnsPerHost} 0 (unlimited), as Go; when set, up to {@code maxPendingAcquires} (1024)
 *       requests wait, each at most {@code pendingAcquireTimeout} (30 s).
 *   <li>{@code happyEyeballsDelay} 250 ms, the value RFC 8305 section 8 recommends (Go uses 300 ms).
 *   <li>{@code tlsSessionCacheSize} 1,024 sessions kept for resuming TLS handshakes (the JDK and Netty keep
 *       20,480 by default; Go's {@code DefaultTransport} keeps none). A TLS 1.3 server hands out a ticket or
 *       two per connection, each cached as a session: with the larger default, a client that had opened
 *       10,000 connections kept 20,000 sessions (and on BoringSSL their native state) after closing them.
 *   <li>No proxy, unlike Go's {@code DefaultTransport}, which reads HTTP_PROXY and friends: a library
 *       should not change where it connects because of its process's environment unless asked. Opt in
 *       with {@code proxy(ProxySelector.fromEnvironment())} (Go's {@code ProxyFromEnvironment}).
 * </ul>
 */
public final class Transport implements RoundTripper, AutoCloseable {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(Transport.class);
    static final String DEFAULT_USER_AGENT = "Courier/0.1.0";

    private final EventLoopGroup group;
    private final DnsAddressResolverGroup resolvers;
    private final ConnectionPool pool;
    private final TransportContext context;
    private final IoTransports io;
    private final TlsEngine tlsEngine;
    private final ProxySelector proxySelector;
    private final ConnectionEvents events;
    private volatile boolean closed;
    private volatile RouteKey lastRoute;

    private Transport(Builder b) {
        // TLS first: a configuration error must fail before any event loop thread exists.
        TlsEngines.Selection engine = TlsEngines.select(b.tlsEngine, b.sslContext != null);
        SslContext ssl = b.sslContext(engine, !b.disableHttp2);
        // TLS to an https:// proxy speaks HTTP/1.1 (CONNECT, absolute form): ALPN must never let it pick h2.
        SslContext proxySsl = b.proxyConfigured && !b.disableHttp2 ? b.sslContext(engine, false) : ssl;
        this.tlsEngine = engine.engine();
        // DEBUG, not INFO: nothing to act on (tlsEngine() tells a program), and a command-line tool built on
        // Courier printed it on every run.
        log.debug("TLS engine: {}", engine.describe(ssl));
        this.io = IoTransports.select(b.ioTransport);
        this.group = b.eventLoops != null ? b.eventLoops : io.newGroup(b.eventLoopThreads);
        EventExecutor timers = group.next();
        LongSupplier clock = b.clock;
        this.events = new ConnectionEvents(clock);
        b.connectionListeners.forEach(events::add);
        DnsNameResolverBuilder dns = new DnsNameResolverBuilder()
                .datagramChannelType(io.datagramChannel())
                .socketChannelType(io.socketChannel())
                .resolveCache(new DefaultDnsCache())
                .cnameCache(new DefaultDnsCnameCache());
        if (b.hostsFile != null) {
            dns.hostsFileEntriesResolver(HostsFile.resolver(b.hostsFile));
        }
        this.resolvers = new DnsAddressResolverGroup(dns);
        if (b.insecureSkipTlsVerification) {
            log.warn("TLS certificate and host name verification are OFF for this transport "
                    + "(insecureSkipTlsVerificationForTestsOnly): any server can impersonate any host");
        }
        NettyDialer dialer = new NettyDialer(group, io, resolvers, (int) Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis()),
                b.happyEyeballsDelay.toNanos(), b.tcpKeepAlive,
                new PipelineSetup(ssl, !b.insecureSkipTlsVerification,
                        b.tlsHandshakeTimeout.toMillis(), b.maxResponseHeaderBytes,
                        new PipelineSetup.Http2Options(b.h2cPriorKnowledge, b.http2PingInterval.toNanos(),
                                b.http2PingTimeout.toNanos()),
                        new ProxySetup(proxySsl, !b.insecureSkipTlsVerification, b.tlsHandshakeTimeout.toMillis(),
                                b.connectTimeout.toMillis(), b.proxyConnectHeaders, b.userAgent)), clock, events);
        this.proxySelector = b.proxySelector;
        this.pool = new ConnectionPool(new PoolConfig(b.maxIdleConns, b.maxIdleConnsPerHost, b.maxConnsPerHost,
                b.maxPendingAcquires, b.pendingAcquireTimeout.toNanos(), b.idleConnTimeout.toNanos(),
                b.maxConnectionLifetime.toNanos(), b.disableKeepAlives, b.strictMaxConcurrentStreams,
                !b.disableHttp2, b.h2cPriorKnowledge), dialer, timers,
                clock);
        // Which optional content codings load (br, zstd) is found out here, on the caller's thread: it loads
        // native libraries, file reads that must not happen on an event loop.
        dev.courier.http.internal.body.ContentCodings.load();
        this.context = new TransportContext(pool, b.userAgent, b.disableCompression, b.disableKeepAlives,
                b.maxDecompressedBytes, b.responseHeaderTimeout.toNanos(), b.expectContinueTimeout.toNanos(),
                b.maxResponseHeaderBytes, group, timers, clock);
        log.debug("transport started on {} with {} event loop threads", io.kind(), b.eventLoopThreads);
    }

    /** {@return a builder with the defaults listed in the class comment} */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * Sends {@code request} and completes with its response once the response head arrived; see
     * {@link RoundTripper} for the contract. Never throws: every failure completes the future with a
     * {@link RequestException}.
     */
    @Override
    public CompletableFuture<Response> roundTrip(Request request) {
        Objects.requireNonNull(request, "request");
        if (closed) {
            return CompletableFuture.failedFuture(new RequestException(request.method(), request.redactedUri(),
                    RequestException.Phase.CLOSED, "the transport is closed", null, false));
        }
        Proxy proxy;
        try {
            proxy = Objects.requireNonNull(proxySelector.select(request), "the proxy selector returned null").orElse(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new RequestException(request.method(), request.redactedUri(),
                    RequestException.Phase.PROXY, "choosing the proxy failed: " + e.getMessage(), e, false));
        }
        RouteKey route = route(request, proxy);
        return new Http1Exchange(context, request, route, request.trace()).start();
    }

    /**
     * The request's route; the last one is reused when the request goes where the previous one went, as
     * most do (a key per request was 32 bytes and a few percent of the CPU of a small GET).
     */
    private RouteKey route(Request request, Proxy proxy) {
        RouteKey last = lastRoute;
        java.net.URI uri = request.uri();
        if (last != null && last.port() == request.port() && Objects.equals(last.proxy(), proxy)
                && last.host().equals(uri.getHost()) && last.scheme().equals(uri.getScheme())) {
            return last;
        }
        RouteKey route = RouteKey.of(request, proxy);
        lastRoute = route;
        return route;
    }

    /** {@return per-route counts of idle, active and waiting connections and requests, as a snapshot} */
    public TransportStats stats() {
        return pool.stats();
    }

    /**
     * Adds a listener told of every connection this transport opens or closes from now on (connections
     * already open are told only of their close); for metrics bound to a built transport. Listeners given
     * to {@link Builder#connectionListener} see every connection.
     *
     * @param listener told of each open and close; must not block
     */
    public void addConnectionListener(ConnectionListener listener) {
        events.add(Objects.requireNonNull(listener, "listener"));
    }

    /** {@return the socket I/O in use (epoll, io_uring or NIO)} */
    public IoTransport ioTransport() {
        return io.kind();
    }

    /**
     * {@return the TLS engine this transport's https connections use: {@link TlsEngine#JDK} or {@link
     * TlsEngine#BORINGSSL}, never AUTO (see {@link Builder#tlsEngine(TlsEngine)})}
     */
    public TlsEngine tlsEngine() {
        return tlsEngine;
    }

    /** Closes every idle connection; connections in use are unaffected (Go's {@code CloseIdleConnections}). */
    public void closeIdleConnections() {
        pool.closeIdle();
    }

    /** Closes all connections, fails waiting and in-flight requests, and stops the event loops. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.close();
        resolvers.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** For tests in this package: the pool, to drive eviction with an explicit clock. */
    ConnectionPool pool() {
        return pool;
    }

    /** Builds a {@link Transport}; every setter validates its argument and says which one was wrong. */
    public static final class Builder {
        private int maxIdleConns = 256;
        private int maxIdleConnsPerHost = 64;
        private int maxConnsPerHost;
        private int maxPendingAcquires = 1024;
        private Duration pendingAcquireTimeout = Duration.ofSeconds(30);
        private Duration idleConnTimeout = Duration.ofSeconds(90);
        private Duration maxConnectionLifetime = Duration.ZERO;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
        private int tlsSessionCacheSize = 1024;
        private Duration responseHeaderTimeout = Duration.ZERO;
        private Duration expectContinueTimeout = Duration.ofSeconds(1);
        private Duration happyEyeballsDelay = Duration.ofMillis(250);
        private int maxResponseHeaderBytes = 1 << 20;
        private long maxDecompressedBytes;
        private boolean disableKeepAlives;
        private boolean disableCompression;
        private boolean tcpKeepAlive = true;
        private String userAgent = DEFAULT_USER_AGENT;
        private int eventLoopThreads = Runtime.getRuntime().availableProcessors();
        private EventLoopGroup eventLoops;
        private IoTransport ioTransport = IoTransport.AUTO;
        private TlsEngine tlsEngine = TlsEngine.AUTO;
        private SSLContext sslContext;
        private java.nio.file.Path trustPem;
        private KeyStore trustStore;
        private java.nio.file.Path clientCertChainPem;
        private java.nio.file.Path clientPrivateKeyPem;
        private KeyStore clientKeyStore;
        private char[] clientKeyStorePassword;
        private String[] tlsProtocols;
        private String[] tlsCiphers;
        private boolean insecureSkipTlsVerification;
        private LongSupplier clock = System::nanoTime;
        private java.nio.file.Path hostsFile;
        private boolean disableHttp2;
        private boolean h2cPriorKnowledge;
        private boolean strictMaxConcurrentStreams;
        private Duration http2PingInterval = Duration.ofSeconds(15);
        private Duration http2PingTimeout = Duration.ofSeconds(15);

        /** The versions both engines know; SSLv3 and older are broken and neither offers them. */
        private static final java.util.List<String> TLS_VERSIONS = java.util.List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");
        private ProxySelector proxySelector = ProxySelector.none();
        private final java.util.List<ConnectionListener> connectionListeners = new java.util.ArrayList<>(1);
        private Headers proxyConnectHeaders = Headers.empty();
        private boolean proxyConfigured;

        private Builder() {
        }

        /**
         * Chooses the proxy for each request (Go's {@code Transport.Proxy}); {@link ProxySelector#none()} by
         * default. {@link ProxySelector#fromEnvironment()} gives Go's {@code ProxyFromEnvironment} (HTTP_PROXY,
         * HTTPS_PROXY, NO_PROXY), {@link ProxySelector#of(Proxy)} a fixed proxy. Connections are pooled per
         * proxy (credentials included), so requests through different proxies never share one. The selector
         * runs for every request on the thread calling {@link #roundTrip}, which for a redirect the Client
         * follows may be an event loop: it must not block. Exceptions it throws fail the request in
         * {@link RequestException.Phase#PROXY}.
         *
          * @param selector picks a proxy, or none, for each request
         * @return this builder
         */
        public Builder proxy(ProxySelector selector) {
            this.proxySelector = Objects.requireNonNull(selector, "proxy");
            this.proxyConfigured = true;
            return this;
        }

        /**
         * Header fields sent on every CONNECT to an HTTP(S) proxy, and only there (Go's
         * {@code ProxyConnectHeader}). Proxy-Authorization from the proxy URL's credentials replaces one given
         * here; Host is always the tunnel's target.
         *
          * @param headers the fields to add to each CONNECT request
         * @return this builder
         */
        public Builder proxyConnectHeaders(Headers headers) {
            this.proxyConnectHeaders = Objects.requireNonNull(headers, "proxyConnectHeaders");
            return this;
        }

        /**
         * Adds a listener told of every connection the transport opens and closes, with the reason for each
         * close; may be called more than once.
         *
         * @param listener told of each open and close; must not block
         * @return this builder
         */
        public Builder connectionListener(ConnectionListener listener) {
            connectionListeners.add(Objects.requireNonNull(listener, "connectionListener"));
            return this;
        }

        /**
         * Idle connections kept across all routes; the least recently used beyond it is closed. 0 = no limit.
         *
          * @param n the number of idle connections, 0 or more (default 256)
         * @return this builder
         */
        public Builder maxIdleConns(int n) {
            this.maxIdleConns = nonNegative("maxIdleConns", n);
            return this;
        }

        /**
         * Idle connections kept per route. 0 = no limit but {@link #maxIdleConns}.
         *
          * @param n the number of idle connections per route, 0 or more (default 64)
         * @return this builder
         */
        public Builder maxIdleConnsPerHost(int n) {
            this.maxIdleConnsPerHost = nonNegative("maxIdleConnsPerHost", n);
            return this;
        }

        /**
         * Connections (active, idle and dialing) per route; more requests wait in a queue. 0 = unlimited.
         *
          * @param n the number of connections per route, 0 or more (default 0, unlimited)
         * @return this builder
         */
        public Builder maxConnsPerHost(int n) {
            this.maxConnsPerHost = nonNegative("maxConnsPerHost", n);
            return this;
        }

        /**
         * Requests that may wait for a connection per route at {@link #maxConnsPerHost}; one more fails at once.
         *
          * @param n the queue's length per route, at least 1 (default 1,024)
         * @return this builder
         */
        public Builder maxPendingAcquires(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPendingAcquires < 1: " + n);
            }
            this.maxPendingAcquires = n;
            return this;
        }

        /**
         * How long a request waits in that queue before failing. 0 = no limit.
         *
          * @param d the longest wait, zero or positive (default 30 s)
         * @return this builder
         */
        public Builder pendingAcquireTimeout(Duration d) {
            this.pendingAcquireTimeout = nonNegative("pendingAcquireTimeout", d);
            return this;
        }

        /**
         * How long a connection may stay idle in the pool. 0 = no limit.
         *
          * @param d the longest idle time, zero or positive (default 90 s)
         * @return this builder
         */
        public Builder idleConnTimeout(Duration d) {
            this.idleConnTimeout = nonNegative("idleConnTimeout", d);
            return this;
        }

        /**
         * How long a connection may live before it is closed when next idle, minus up to 10% random jitter,
         * so that connections re-resolve DNS and spread over new servers after a scale-out. 0 = forever.
         *
          * @param d the longest lifetime, zero or positive (default 0, forever)
         * @return this builder
         */
        public Builder maxConnectionLifetime(Duration d) {
            this.maxConnectionLifetime = nonNegative("maxConnectionLifetime", d);
            return this;
        }

        /**
         * Time allowed for each TCP connect attempt.
         *
          * @param d the limit per attempt, positive (default 30 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connectTimeout", d);
            return this;
        }

        /**
         * Time allowed for the TLS handshake, from the ClientHello to the server's Finished.
         *
          * @param d the limit, positive (default 10 s)
         * @return this builder
         */
        public Builder tlsHandshakeTimeout(Duration d) {
            this.tlsHandshakeTimeout = positive("tlsHandshakeTimeout", d);
            return this;
        }

        /**
         * How many TLS sessions the transport keeps for resuming handshakes with the servers it talked to
         * (default 1,024; the least recently used go first). Not applied to a caller's own
         * {@link #sslContext(SSLContext)}.
         *
          * @param sessions the number of sessions kept, at least 1
         * @return this builder
         */
        public Builder tlsSessionCacheSize(int sessions) {
            if (sessions < 1) {
                throw new IllegalArgumentException("tlsSessionCacheSize must be at least 1, got " + sessions);
            }
            this.tlsSessionCacheSize = sessions;
            return this;
        }

        /**
         * Time allowed from the end of writing the request to the response head. 0 = none.
         *
          * @param d the limit, zero or positive (default 0, none)
         * @return this builder
         */
        public Builder responseHeaderTimeout(Duration d) {
            this.responseHeaderTimeout = nonNegative("responseHeaderTimeout", d);
            return this;
        }

        /**
         * With {@code Expect: 100-continue}, how long to wait for "100 Continue" before sending the body anyway.
         *
          * @param d the wait, zero or positive (default 1 s)
         * @return this builder
         */
        public Builder expectContinueTimeout(Duration d) {
            this.expectContinueTimeout = nonNegative("expectContinueTimeout", d);
            return this;
        }

        /**
         * RFC 8305 connection attempt delay between racing addresses.
         *
          * @param d the delay before the next address is tried, positive (default 250 ms)
         * @return this builder
         */
        public Builder happyEyeballsDelay(Duration d) {
            this.happyEyeballsDelay = positive("happyEyeballsDelay", d);
            return this;
        }

        /**
         * Limit on the response status line and header fields.
         *
          * @param n the limit in bytes, at least 256 (default 1 MiB); a longer head fails the request
         * @return this builder
         */
        public Builder maxResponseHeaderBytes(int n) {
            if (n < 256) {
                throw new IllegalArgumentException("maxResponseHeaderBytes < 256: " + n);
            }
            this.maxResponseHeaderBytes = n;
            return this;
        }

        /**
         * Limit on a transparently decompressed body (gzip, deflate, br, zstd), against decompression bombs:
         * past it the body fails with a {@link BodyLimitException}. 0 = none.
         *
         * @param n the limit in decoded bytes, 0 or more (default 0, none)
         * @return this builder
         */
        public Builder maxDecompressedBytes(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxDecompressedBytes < 0: " + n);
            }
            this.maxDecompressedBytes = n;
            return this;
        }

        /**
         * Sends {@code Connection: close} and uses each connection once.
         *
          * @param disable true for one request per connection (default false)
         * @return this builder
         */
        public Builder disableKeepAlives(boolean disable) {
            this.disableKeepAlives = disable;
            return this;
        }

        /**
         * Stops asking for compressed bodies (gzip, deflate, and br and zstd when available) and decoding them.
         *
         * @param disable true to receive bodies as the server encodes them (default false)
         * @return this builder
         */
        public Builder disableCompression(boolean disable) {
            this.disableCompression = disable;
            return this;
        }

        /**
         * TCP keep-alive probes on connections (SO_KEEPALIVE).
         *
          * @param enable whether to set SO_KEEPALIVE (default true)
         * @return this builder
         */
        public Builder tcpKeepAlive(boolean enable) {
            this.tcpKeepAlive = enable;
            return this;
        }

        /**
         * The User-Agent sent when a request has none; empty to send none.
         *
          * @param userAgent the value, free of control characters, or empty
         * @return this builder
         */
        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            if (!userAgent.isEmpty()) {
                Headers.checkValue("User-Agent", userAgent);
            }
            return this;
        }

        /**
         * The number of event loop threads the Transport starts for its connections (default: one per
         * available processor). Every callback that runs on them must not block.
         *
         * @param n the number of threads, at least 1
         * @return this builder
         */
        public Builder eventLoopThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("eventLoopThreads < 1: " + n);
            }
            this.eventLoopThreads = n;
            return this;
        }

        /**
         * The socket I/O: {@link IoTransport#AUTO} (the default) takes native epoll on Linux when it loads,
         * else the JDK's NIO; an explicit kind that is unavailable here makes {@link #build()} fail with the
         * reason.
         *
         * @param kind the socket I/O to use
         * @return this builder
         */
        public Builder ioTransport(IoTransport kind) {
            this.ioTransport = Objects.requireNonNull(kind, "ioTransport");
            return this;
        }

        /**
         * The TLS implementation for https: {@link TlsEngine#AUTO} (the default) takes BoringSSL when the
         * {@code dev.courier:client-tls} module is on the classpath and loads, else the JDK's engine; the
         * system property {@code courier.tls.engine} (auto, jdk or boringssl) replaces AUTO's choice. An
         * explicit {@link TlsEngine#BORINGSSL} that cannot load makes {@link #build()} fail, naming the module
         * and the native library's load error. {@link Transport#tlsEngine()} tells which one a transport uses,
         * and each logs it at DEBUG ("TLS engine: BoringSSL (...)" or "TLS engine: JDK (SunJSSE, Java ...)").
         *
          * @param engine the engine to use (default {@link TlsEngine#AUTO})
         * @return this builder
         */
        public Builder tlsEngine(TlsEngine engine) {
            this.tlsEngine = Objects.requireNonNull(engine, "tlsEngine");
            return this;
        }

        /**
         * The TLS configuration (trust, client keys) for https, as a JDK {@code SSLContext}: it always runs on
         * the JDK's TLS engine, whatever {@link #tlsEngine(TlsEngine) AUTO} would pick, and combining it with
         * {@code tlsEngine(BORINGSSL)} fails. To run on either engine, use {@link #trustPem}, {@link #trustStore}
         * and {@code clientCertificate} instead. The JDK's default trust when nothing is set.
         *
          * @param sslContext the context whose trust and key managers the connections use
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * Trusts the CA certificates in this PEM file (one or more {@code BEGIN CERTIFICATE} blocks) instead
         * of the system's trusted roots. Read when the Transport is built.
         *
          * @param file a readable PEM file of CA certificates
         * @return this builder
         */
        public Builder trustPem(java.nio.file.Path file) {
            this.trustPem = readable("trustPem", file);
            return this;
        }

        /**
         * Trusts the certificate entries of this KeyStore instead of the system's trusted roots.
         *
          * @param store a loaded KeyStore whose certificate entries are the trusted CAs
         * @return this builder
         */
        public Builder trustStore(KeyStore store) {
            this.trustStore = Objects.requireNonNull(store, "trustStore");
            return this;
        }

        /**
         * Presents this client certificate when a server asks for one (mutual TLS): the chain, leaf first,
         * and its unencrypted PKCS#8 private key, both PEM. Read when the Transport is built.
         *
          * @param certChainPem a readable PEM file of the certificate chain, leaf first
          * @param privateKeyPem a readable PEM file of the leaf's private key (PKCS#8, unencrypted)
         * @return this builder
         */
        public Builder clientCertificate(java.nio.file.Path certChainPem, java.nio.file.Path privateKeyPem) {
            this.clientCertChainPem = readable("certChainPem", certChainPem);
            this.clientPrivateKeyPem = readable("privateKeyPem", privateKeyPem);
            this.clientKeyStore = null;
            this.clientKeyStorePassword = null;
            return this;
        }

        /**
         * Presents the client certificate (and key, protected by {@code password}) held in this KeyStore.
         *
          * @param keyStore a loaded KeyStore holding one private key entry with its chain
          * @param password the key's password (copied; clear yours after the call)
         * @return this builder
         */
        public Builder clientCertificate(KeyStore keyStore, char[] password) {
            this.clientKeyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.clientKeyStorePassword = Objects.requireNonNull(password, "password").clone();
            this.clientCertChainPem = null;
            this.clientPrivateKeyPem = null;
            return this;
        }

        /**
         * The TLS versions to offer, among {@code "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"}; the engine's
         * defaults (TLS 1.3 and 1.2) when unset.
         *
          * @param protocols the versions, at least one
         * @return this builder
         */
        public Builder tlsProtocols(String... protocols) {
            String[] checked = names("tlsProtocols", protocols);
            for (String p : checked) {
                if (!TLS_VERSIONS.contains(p)) {
                    throw new IllegalArgumentException("tlsProtocols: " + p + " is not a TLS version (use "
                            + String.join(", ", TLS_VERSIONS) + ")");
                }
            }
            this.tlsProtocols = checked;
            return this;
        }

        /**
         * The cipher suites to offer, in order of preference, by their IANA (JDK) names such as
         * {@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, on either engine (BoringSSL's own names are
         * converted from them); the engine's defaults when unset. A list without a TLS 1.3 suite
         * (such as {@code TLS_AES_128_GCM_SHA256}) leaves TLS 1.2 as the newest version either engine offers;
         * BoringSSL cannot narrow the TLS 1.3 suites: when the list holds any, it offers all of its own.
         *
          * @param ciphers the suites' IANA names, at least one
         * @return this builder
         */
        public Builder tlsCiphers(String... ciphers) {
            this.tlsCiphers = names("tlsCiphers", ciphers);
            return this;
        }

        /**
         * FOR TESTS ONLY: accepts any server certificate, for any host, from anyone. A man in the middle can
         * read and change everything. Each Transport built with it logs a warning.
         *
         * @return this builder
         */
        public Builder insecureSkipTlsVerificationForTestsOnly() {
            this.insecureSkipTlsVerification = true;
            return this;
        }

        /**
         * Resolves names from this hosts file (the /etc/hosts format) before DNS, instead of the system's
         * hosts file: to pin names to test addresses. Read once, when the Transport is built.
         *
          * @param file a readable hosts file
         * @return this builder
         */
        public Builder hostsFile(java.nio.file.Path file) {
            this.hostsFile = Objects.requireNonNull(file, "hostsFile");
            if (!java.nio.file.Files.isReadable(file)) {
                throw new IllegalArgumentException("hostsFile " + file + " is not a readable file");
            }
            return this;
        }

        /**
         * Offers only http/1.1 in ALPN, so https connections never use HTTP/2 (Go: a non-nil, empty
         * {@code TLSNextProto}). HTTP/2 is on by default.
         *
          * @param disable true to speak HTTP/1.1 only over TLS (default false)
         * @return this builder
         */
        public Builder disableHttp2(boolean disable) {
            this.disableHttp2 = disable;
            return this;
        }

        /**
         * Speaks HTTP/2 without TLS (h2c) to every plaintext route, from the first byte: for servers known to
         * accept it (RFC 9113 section 3.3). Off by default; https routes are unaffected (they negotiate by ALPN).
         *
          * @param enable true to speak HTTP/2 over plaintext connections (default false)
         * @return this builder
         */
        public Builder h2cPriorKnowledge(boolean enable) {
            this.h2cPriorKnowledge = enable;
            return this;
        }

        /**
         * When every HTTP/2 connection of a route carries as many streams as its server's
         * SETTINGS_MAX_CONCURRENT_STREAMS allows, more requests wait for a stream (true) instead of opening
         * another connection (false, the default; Go's {@code StrictMaxConcurrentStreams}).
         *
          * @param strict true to queue requests rather than open connections beyond the server's limit
         * @return this builder
         */
        public Builder http2StrictMaxConcurrentStreams(boolean strict) {
            this.strictMaxConcurrentStreams = strict;
            return this;
        }

        /**
         * After this long without reading anything, an HTTP/2 connection is checked with a PING (Go's
         * {@code ReadIdleTimeout}); 0 turns the check off. Default 15 s.
         *
          * @param d the idle time before a PING, zero or positive
         * @return this builder
         */
        public Builder http2PingInterval(Duration d) {
            this.http2PingInterval = nonNegative("http2PingInterval", d);
            return this;
        }

        /**
         * How long that PING may go unanswered before the connection and its streams fail. Default 15 s.
         *
          * @param d the time a PING may take, positive
         * @return this builder
         */
        public Builder http2PingTimeout(Duration d) {
            this.http2PingTimeout = positive("http2PingTimeout", d);
            return this;
        }

        /**
         * For tests: event loops made by the test (to count the tasks each is handed), used instead of
         * {@link #eventLoopThreads} new ones; they must fit the {@link #ioTransport}. The transport shuts them
         * down on close, as its own.
         */
        Builder eventLoops(EventLoopGroup group) {
            this.eventLoops = Objects.requireNonNull(group, "eventLoops");
            return this;
        }

        /** For tests: the monotonic clock (nanoseconds) the pool uses. */
        Builder clock(LongSupplier clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the Transport and starts its event loops; close it when done.
         *
         * @return the transport
         * @throws IllegalStateException when the TLS engine or socket I/O asked for explicitly is unavailable
         *     here, or the TLS settings conflict or cannot be loaded (each message says which)
         */
        public Transport build() {
            return new Transport(this);
        }

        SslContext sslContext(TlsEngines.Selection engine, boolean offerH2) {
            boolean custom = trustPem != null || trustStore != null || clientCertChainPem != null
                    || clientKeyStore != null || tlsProtocols != null || tlsCiphers != null
                    || insecureSkipTlsVerification;
            if (sslContext != null) {
                if (custom) {
                    throw new IllegalStateException("sslContext cannot be combined with trustPem, trustStore, "
                            + "clientCertificate, tlsProtocols, tlsCiphers or insecureSkipTlsVerificationForTestsOnly");
                }
                return new JdkSslContext(sslContext, true, null, IdentityCipherSuiteFilter.INSTANCE,
                        alpn(offerH2), ClientAuth.NONE, null, false);
            }
            if (trustPem != null && trustStore != null) {
                throw new IllegalStateException("trustPem and trustStore cannot both be set");
            }
            if (insecureSkipTlsVerification && (trustPem != null || trustStore != null)) {
                throw new IllegalStateException(
                        "insecureSkipTlsVerificationForTestsOnly cannot be combined with trustPem or trustStore");
            }
            // OPENSSL, not OPENSSL_REFCNT: its engines are freed when SslHandler releases them and the
            // context by the garbage collector, so no reference count can leak with the Transport.
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(engine.sslProvider());
            String step = "trust";
            try {
                if (insecureSkipTlsVerification) {
                    b.trustManager(InsecureTrustManagerFactory.INSTANCE);
                } else {
                    b.trustManager(TlsConfig.trustManager(trustPem, trustStore));
                }
                step = "client certificate";
                if (clientCertChainPem != null) {
                    b.keyManager(clientCertChainPem.toFile(), clientPrivateKeyPem.toFile());
                } else if (clientKeyStore != null) {
                    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    kmf.init(clientKeyStore, clientKeyStorePassword);
                    b.keyManager(kmf);
                }
                if (tlsProtocols != null) {
                    b.protocols(tlsProtocols);
                }
                if (tlsCiphers != null) {
                    b.ciphers(java.util.Arrays.asList(tlsCiphers));
                }
                step = "context";
                b.applicationProtocolConfig(alpn(offerH2));
                b.sessionCacheSize(tlsSessionCacheSize);
                SslContext context = b.build();
                // The engines check protocol and cipher names only when an engine is made: check them here,
                // not on the first https request.
                step = "tlsProtocols or tlsCiphers";
                ReferenceCountUtil.release(context.newEngine(ByteBufAllocator.DEFAULT));
                return context;
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalStateException("cannot create the TLS context (" + step + "): " + e.getMessage(), e);
            }
        }

        /** ALPN offers h2 first, then http/1.1 (Go's order); only http/1.1 when HTTP/2 is disabled. */
        private static ApplicationProtocolConfig alpn(boolean offerH2) {
            return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    !offerH2 ? new String[] {ApplicationProtocolNames.HTTP_1_1}
                            : new String[] {ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1});
        }

        private static java.nio.file.Path readable(String name, java.nio.file.Path file) {
            Objects.requireNonNull(file, name);
            if (!java.nio.file.Files.isReadable(file) || java.nio.file.Files.isDirectory(file)) {
                throw new IllegalArgumentException(name + " " + file + " is not a readable file");
            }
            return file;
        }

        private static String[] names(String what, String... values) {
            Objects.requireNonNull(values, what);
            if (values.length == 0) {
                throw new IllegalArgumentException(what + " is empty");
            }
            for (String v : values) {
                if (v == null || v.isBlank()) {
                    throw new IllegalArgumentException(what + " contains a null or blank name");
                }
            }
            return values.clone();
        }

        private static int nonNegative(String name, int n) {
            if (n < 0) {
                throw new IllegalArgumentException(name + " < 0: " + n);
            }
            return n;
        }

        private static Duration nonNegative(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " < 0: " + d);
            }
            return d;
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " <= 0: " + d);
            }
            return d;
        }
    }
}
