package dev.courier.http.internal;

import dev.courier.http.ClientTrace;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.RouteKey;
import dev.courier.http.internal.dial.DialException;
import dev.courier.http.internal.dial.NettyDialer;
import dev.courier.http.internal.h1.Http1Connection;
import dev.courier.http.internal.h1.ResponseStartHandler;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
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
 * Installs a new connection's pipeline in the order {@link PipelineNames} documents: TLS for https
 * routes (SNI and hostname verification on, on either engine), then the HTTP/1.1 codec and connection handler.
 */
public final class PipelineSetup implements NettyDialer.ConnectionSetup {
    private final SslContext sslContext;
    private final boolean verifyHostname;
    private final long tlsHandshakeTimeoutMillis;
    private final int maxResponseHeaderBytes;

    public PipelineSetup(SslContext sslContext, boolean verifyHostname, long tlsHandshakeTimeoutMillis,
            int maxResponseHeaderBytes) {
        this.sslContext = sslContext;
        this.verifyHostname = verifyHostname;
        this.tlsHandshakeTimeoutMillis = tlsHandshakeTimeoutMillis;
        this.maxResponseHeaderBytes = maxResponseHeaderBytes;
    }

    @Override
    public void setup(Channel ch, RouteKey route, ClientTrace trace, BiConsumer<Object, Throwable> ready) {
        if (!route.isTls()) {
            ready.accept(addHttp1(ch), null);
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
            if (!f.isSuccess()) {
                ready.accept(null, new DialException(Phase.TLS, "TLS handshake with " + route.hostPort() + " failed: "
                        + describe(f.cause(), plaintext.sawPlaintextHttp()), f.cause(), f.cause() instanceof SslHandshakeTimeoutException));
                return;
            }
            ch.pipeline().remove(PipelineNames.HANDSHAKE_ERRORS);
            ready.accept(addHttp1(ch), null);
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

    private Http1Connection addHttp1(Channel ch) {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(Math.min(maxResponseHeaderBytes, 64 * 1024))
                .setMaxHeaderSize(maxResponseHeaderBytes)
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(false);
        Http1Connection handler = new Http1Connection();
        ch.pipeline().addLast(PipelineNames.RESPONSE_START, new ResponseStartHandler(handler));
        ch.pipeline().addLast(PipelineNames.CODEC, new HttpClientCodec(config, false, false));
        ch.pipeline().addLast(PipelineNames.H1, handler);
        return handler;
    }
}
