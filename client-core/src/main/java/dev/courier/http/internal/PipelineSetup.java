package dev.courier.http.internal;

import dev.courier.http.ClientTrace;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.RouteKey;
import dev.courier.http.internal.dial.DialException;
import dev.courier.http.internal.dial.NettyDialer;
import dev.courier.http.internal.h1.Http1Connection;
import dev.courier.http.internal.proxy.ProxySetup;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import dev.courier.http.internal.h2.Http2Connection;
import dev.courier.http.internal.h2.PushedStreams;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import dev.courier.http.internal.tls.ExplainingTrustManager;
import dev.courier.http.internal.tls.HandshakeErrorSink;
import dev.courier.http.internal.tls.PlaintextReplyDetector;
import dev.courier.http.internal.tls.TlsAlerts;
import java.security.cert.CertificateException;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Installs a new connection's pipeline in the order {@link PipelineNames} documents: the proxy step
 * for proxied routes ({@link ProxySetup}), TLS for https routes (SNI and hostname verification on, on
 * either engine; ALPN offering h2 and http/1.1 unless HTTP/2 is disabled), then the HTTP/2 frame codec,
 * multiplexer and connection handler when ALPN chose h2 (or for h2c with prior knowledge), else the
 * HTTP/1.1 codec and connection handler.
 */
public final class PipelineSetup implements NettyDialer.ConnectionSetup {
    private final SslContext sslContext;
    private final boolean verifyHostname;
    private final long tlsHandshakeTimeoutMillis;
    private final int maxResponseHeaderBytes;
    private final ProxySetup proxySetup;

    private final Http2Options http2;

    /**
     * HTTP/2 settings of the transport.
     *
     * @param priorKnowledge   speak h2c (HTTP/2 without TLS) to plaintext routes from the first byte
     * @param pingIntervalNanos read-idle time after which a PING checks the connection; 0 = never
     * @param pingTimeoutNanos  how long that PING may go unanswered before the connection is closed
     */
    public record Http2Options(boolean priorKnowledge, long pingIntervalNanos, long pingTimeoutNanos) {
    }

    public PipelineSetup(SslContext sslContext, boolean verifyHostname, long tlsHandshakeTimeoutMillis,
            int maxResponseHeaderBytes, Http2Options http2, ProxySetup proxySetup) {
        this.sslContext = sslContext;
        this.verifyHostname = verifyHostname;
        this.tlsHandshakeTimeoutMillis = tlsHandshakeTimeoutMillis;
        this.maxResponseHeaderBytes = maxResponseHeaderBytes;
        this.http2 = http2;
        this.proxySetup = proxySetup;
    }

    @Override
    public void setup(Channel ch, RouteKey route, ClientTrace trace, BiConsumer<Object, Throwable> ready) {
        // ---- proxy step (internal.proxy.ProxySetup): TLS to an https proxy, CONNECT or SOCKS. The origin's
        // TLS and HTTP below start only once it succeeded, so they run inside the tunnel. ----
        if (route.proxy() != null) {
            proxySetup.start(ch, route, trace, error -> {
                if (error != null) {
                    ready.accept(null, error);
                } else {
                    setupOrigin(ch, route, trace, ready);
                }
            });
            return;
        }
        setupOrigin(ch, route, trace, ready);
    }

    /** TLS to the origin (https routes), then HTTP; on a proxied route this runs inside the tunnel. */
    private void setupOrigin(Channel ch, RouteKey route, ClientTrace trace, BiConsumer<Object, Throwable> ready) {
        if (!route.isTls()) {
            // h2c only straight to the origin (or through a SOCKS tunnel); an HTTP proxy takes absolute-form HTTP/1.1.
            boolean viaHttpProxy = route.proxy() != null && route.proxy().uri().getScheme().startsWith("http");
            ready.accept(http2.priorKnowledge() && !viaHttpProxy ? addHttp2(ch) : addHttp1(ch), null);
            return;
        }
        SslHandler ssl;
        try {
            ssl = newTlsHandler(ch, route);
        } catch (RuntimeException e) {
            // Never leave the dial hanging: the engine refusing its parameters must fail the request.
            ready.accept(null, new DialException(Phase.TLS, "cannot start TLS with " + route.hostPort() + ": "
                    + e.getMessage(), e, false));
            return;
        }
        SSLEngine engine = ssl.engine();
        ssl.setHandshakeTimeoutMillis(tlsHandshakeTimeoutMillis);
        if (trace != null) {
            trace.tlsHandshakeStart();
        }
        PlaintextReplyDetector plaintext = new PlaintextReplyDetector();
        ch.pipeline().addLast(PipelineNames.PLAINTEXT_REPLY, plaintext);
        ch.pipeline().addLast(PipelineNames.TLS, ssl);
        ch.pipeline().addLast(PipelineNames.HANDSHAKE_ERRORS, new HandshakeErrorSink());
        ssl.handshakeFuture().addListener(f -> {
            if (trace != null) {
                trace.tlsHandshakeDone(f.isSuccess() ? engine.getSession() : null, f.cause());
            }
            ConnectionEvents.tlsHandshakeDone(ch, route.hostPort(), engine.getSession(), ssl.applicationProtocol(),
                    f.cause());
            if (!f.isSuccess()) {
                ready.accept(null, new DialException(Phase.TLS, "TLS handshake with " + route.hostPort() + " failed: "
                        + describe(f.cause(), plaintext.sawPlaintextHttp()), f.cause(), f.cause() instanceof SslHandshakeTimeoutException));
                return;
            }
            ch.pipeline().remove(PipelineNames.HANDSHAKE_ERRORS);
            // ALPN: the server chose h2 from what the SslContext offered, or nothing (HTTP/1.1).
            ready.accept(ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol()) ? addHttp2(ch) : addHttp1(ch),
                    null);
        });
        ch.read();
    }

    /**
     * A handshake failure's message, the same on both engines: Go's hint when a plaintext HTTP server
     * answered; else the certificate error, which BoringSSL wraps in "General OpenSslEngine problem"
     * (the trust manager's explanation first, any other certificate error next); else the alert the server
     * sent, if any ({@link TlsAlerts}); else the engine's own message.
     */
    static String describe(Throwable cause, boolean plaintextHttp) {
        if (plaintextHttp) {
            return "server gave HTTP response to HTTPS client";
        }
        CertificateException certificate = null;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ExplainingTrustManager.Explained) {
                return t.getMessage();
            }
            if (certificate == null && t instanceof CertificateException) {
                certificate = (CertificateException) t;
            }
        }
        return certificate != null && certificate.getMessage() != null ? certificate.getMessage()
                : TlsAlerts.describe(cause);
    }

    /** An SslHandler for {@code route}: hostname verification as configured, SNI for host names. */
    private SslHandler newTlsHandler(Channel ch, RouteKey route) {
        SslHandler ssl = sslContext.newHandler(ch.alloc(), route.host(), route.port());
        SSLEngine engine = ssl.engine();
        try {
            SSLParameters params = engine.getSSLParameters();
            if (verifyHostname) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            // Both engines send SNI only for names with a dot; Go sends it for every name but IP literals ("localhost").
            if (!io.netty.util.NetUtil.isValidIpV4Address(route.host())
                    && !io.netty.util.NetUtil.isValidIpV6Address(route.host())) {
                try {
                    params.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(route.host())));
                } catch (IllegalArgumentException notAHostName) {
                    // leave the JDK's choice
                }
            }
            engine.setSSLParameters(params);
            return ssl;
        } catch (RuntimeException e) {
            io.netty.util.ReferenceCountUtil.release(engine);
            throw e;
        }
    }

    /** Stream window (Go's transportDefaultStreamFlow is 4 MiB): what a server may send ahead of the reader. */
    static final int STREAM_WINDOW = 1 << 20;
    /** -Dcourier.h2.frameLog=true logs every HTTP/2 frame at INFO under "courier.h2.frames", for debugging. */
    private static final boolean FRAME_LOG = Boolean.getBoolean("courier.h2.frameLog");
    /**
     * Connection window, shared by the streams: as large as Go's (1 GiB), so that streams whose readers are
     * slow cannot use it all up and starve the others; what each stream buffers is bounded by its own window.
     */
    static final int CONNECTION_WINDOW = 1 << 30;

    private Http2Connection addHttp2(Channel ch) {
        Http2Settings settings = new Http2Settings()
                .pushEnabled(false)
                .maxHeaderListSize(maxResponseHeaderBytes)
                .initialWindowSize(STREAM_WINDOW);
        Http2FrameCodecBuilder builder = Http2FrameCodecBuilder.forClient();
        if (FRAME_LOG) {
            builder.frameLogger(new io.netty.handler.codec.http2.Http2FrameLogger(io.netty.handler.logging.LogLevel.INFO,
                    "courier.h2.frames"));
        }
        Http2FrameCodec codec = builder
                .initialSettings(settings)
                .encoderEnforceMaxConcurrentStreams(true) // streams beyond the server's limit wait, not fail
                .build();
        Http2Connection handler = new Http2Connection(http2.pingIntervalNanos() > 0 ? http2.pingTimeoutNanos() : 0,
                maxResponseHeaderBytes);
        if (http2.pingIntervalNanos() > 0) {
            ch.pipeline().addLast(PipelineNames.H2_IDLE,
                    new IdleStateHandler(http2.pingIntervalNanos(), 0, 0, TimeUnit.NANOSECONDS));
        }
        ch.pipeline().addLast(PipelineNames.H2_CODEC, codec);
        ch.pipeline().addLast(PipelineNames.H2_MUX, new Http2MultiplexHandler(PushedStreams.REJECT));
        ch.pipeline().addLast(PipelineNames.H2, handler);
        try {
            io.netty.handler.codec.http2.Http2Stream connectionStream = codec.connection().connectionStream();
            codec.connection().local().flowController().incrementWindowSize(connectionStream,
                    CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
        } catch (Http2Exception impossible) {
            throw new IllegalStateException(impossible);
        }
        ch.flush();
        // Frames of every stream arrive on the connection; each stream's window bounds what it buffers.
        ch.config().setAutoRead(true);
        return handler;
    }

    private Http1Connection addHttp1(Channel ch) {
        Http1Connection handler = new Http1Connection(maxResponseHeaderBytes);
        ch.pipeline().addLast(PipelineNames.CODEC, handler.decoder());
        ch.pipeline().addLast(PipelineNames.H1, handler);
        return handler;
    }
}
