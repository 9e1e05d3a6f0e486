package dev.courier.http.internal;

import dev.courier.http.ClientTrace;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.RouteKey;
import dev.courier.http.internal.dial.DialException;
import dev.courier.http.internal.dial.NettyDialer;
import dev.courier.http.internal.h1.Http1Connection;
import io.netty.channel.Channel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Installs a new connection's pipeline in the order {@link PipelineNames} documents: TLS for https
 * routes (SNI and hostname verification on), then the HTTP/1.1 codec and connection handler.
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
        SslHandler ssl = sslContext.newHandler(ch.alloc(), route.host(), route.port());
        SSLEngine engine = ssl.engine();
        SSLParameters params = engine.getSSLParameters();
        if (verifyHostname) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        // The JDK sends SNI only for names with a dot; Go sends it for every name but IP literals ("localhost").
        if (!io.netty.util.NetUtil.isValidIpV4Address(route.host())
                && !io.netty.util.NetUtil.isValidIpV6Address(route.host())) {
            try {
                params.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(route.host())));
            } catch (IllegalArgumentException notAHostName) {
                // leave the JDK's choice
            }
        }
        engine.setSSLParameters(params);
        ssl.setHandshakeTimeoutMillis(tlsHandshakeTimeoutMillis);
        if (trace != null) {
            trace.tlsHandshakeStart();
        }
        ch.pipeline().addLast(PipelineNames.TLS, ssl);
        ssl.handshakeFuture().addListener(f -> {
            if (trace != null) {
                trace.tlsHandshakeDone(f.isSuccess() ? engine.getSession() : null, f.cause());
            }
            if (!f.isSuccess()) {
                ready.accept(null, new DialException(Phase.TLS, "TLS handshake with " + route.hostPort() + " failed: "
                        + describe(f.cause()), f.cause(), f.cause() instanceof SslHandshakeTimeoutException));
                return;
            }
            ready.accept(addHttp1(ch), null);
        });
        ch.read();
    }

    /** "HTTP/" in hex, as NotSslRecordException's message shows the bytes it could not read as a record. */
    private static final String HTTP_SLASH_HEX = "485454502f";

    /** A handshake failure's message, with Go's hint when a plaintext HTTP server answered. */
    static String describe(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException && t.getMessage() != null
                    && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains(": " + HTTP_SLASH_HEX)) {
                return "server gave HTTP response to HTTPS client";
            }
        }
        return cause.getMessage();
    }

    private Http1Connection addHttp1(Channel ch) {
        Http1Connection handler = new Http1Connection(maxResponseHeaderBytes);
        ch.pipeline().addLast(PipelineNames.CODEC, handler.decoder());
        ch.pipeline().addLast(PipelineNames.H1, handler);
        return handler;
    }
}
