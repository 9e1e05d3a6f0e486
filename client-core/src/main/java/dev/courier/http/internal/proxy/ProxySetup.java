package dev.courier.http.internal.proxy;

import dev.courier.http.ClientTrace;
import dev.courier.http.Headers;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.RouteKey;
import dev.courier.http.internal.ConnectionEvents;
import dev.courier.http.internal.PipelineNames;
import dev.courier.http.internal.dial.DialException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.socksx.v4.Socks4ClientDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ClientEncoder;
import io.netty.handler.codec.socksx.v5.Socks5ClientEncoder;
import io.netty.handler.codec.socksx.v5.Socks5InitialResponseDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The proxy step of a new connection on a proxied route, which {@code PipelineSetup} runs before the
 * origin's TLS: first TLS to an {@code https://} proxy (verified against the proxy's host name, with the
 * transport's trust), then the handshake the route needs, which gets {@code connectTimeout} to complete:
 * <ul>
 *   <li>{@code https://} origin through an HTTP(S) proxy: a CONNECT tunnel ({@link HttpConnectHandler});
 *       the proxy's credentials go on the CONNECT only, never inside the tunnel;
 *   <li>{@code http://} origin through an HTTP(S) proxy: nothing, its requests go in absolute form with
 *       Proxy-Authorization ({@code RequestWriter});
 *   <li>SOCKS5 or SOCKS4a: their handshake ({@link Socks5Handshake}, {@link Socks4aHandshake}).
 * </ul>
 * Each failure is a {@link DialException} in {@link Phase#PROXY} naming the proxy (without password),
 * the target and the proxy's answer; the dialer then closes the connection.
 */
public final class ProxySetup {
    private final SslContext sslContext;
    private final boolean verifyHostname;
    private final long tlsHandshakeTimeoutMillis;
    private final long handshakeTimeoutMillis;
    private final Headers connectHeaders;
    private final String userAgent;

    /**
     * @param handshakeTimeoutMillis bound on the CONNECT or SOCKS answer (the transport's connectTimeout)
     * @param connectHeaders         header fields added to every CONNECT (Go's {@code ProxyConnectHeader})
     * @param userAgent              sent on CONNECT unless {@code connectHeaders} has one; empty for none
     */
    public ProxySetup(SslContext sslContext, boolean verifyHostname, long tlsHandshakeTimeoutMillis,
                      long handshakeTimeoutMillis, Headers connectHeaders, String userAgent) {
        this.sslContext = sslContext;
        this.verifyHostname = verifyHostname;
        this.tlsHandshakeTimeoutMillis = tlsHandshakeTimeoutMillis;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.connectHeaders = connectHeaders;
        this.userAgent = userAgent;
    }

    /**
     * Runs the proxy step on {@code ch}, connected to the proxy of {@code route}, and calls {@code done}
     * once, on the channel's event loop, with null when the origin can be spoken to, or the failure.
     */
    public void start(Channel ch, RouteKey route, ClientTrace trace, Consumer<Throwable> done) {
        ProxyEndpoint proxy = ProxyEndpoint.of(route.proxy());
        if (proxy.kind() != ProxyEndpoint.Kind.HTTPS) {
            handshake(ch, route, proxy, done);
            return;
        }
        SslHandler ssl = tlsToProxy(ch, proxy);
        if (trace != null) {
            trace.tlsHandshakeStart();
        }
        ch.pipeline().addLast(PipelineNames.PROXY_TLS, ssl);
        ssl.handshakeFuture().addListener(f -> {
            if (trace != null) {
                trace.tlsHandshakeDone(f.isSuccess() ? ssl.engine().getSession() : null, f.cause());
            }
            ConnectionEvents.tlsHandshakeDone(ch, "proxy " + proxy, ssl.engine().getSession(), null, f.cause());
            if (!f.isSuccess()) {
                done.accept(new DialException(Phase.PROXY, "TLS handshake with proxy " + proxy + " failed: "
                        + f.cause().getMessage(), f.cause(), f.cause() instanceof SslHandshakeTimeoutException));
                return;
            }
            handshake(ch, route, proxy, done);
        });
        ch.read();
    }

    /**
     * Whether a dial that failed with {@code error} should be tried once more: the proxy answered CONNECT
     * with 407 and the proxy URL has credentials to answer the challenge with (Basic).
     */
    public static boolean challengedWithCredentials(RouteKey route, Throwable error) {
        return route.proxy() != null && error instanceof DialException
                && error.getCause() instanceof ProxyHandshakeException
                && ((ProxyHandshakeException) error.getCause()).status() == 407
                && ProxyEndpoint.of(route.proxy()).hasCredentials();
    }

    private void handshake(Channel ch, RouteKey route, ProxyEndpoint proxy, Consumer<Throwable> done) {
        boolean socks = proxy.kind() == ProxyEndpoint.Kind.SOCKS5 || proxy.kind() == ProxyEndpoint.Kind.SOCKS4A;
        if (!socks && !route.isTls()) {
            done.accept(null); // absolute-form requests, no tunnel
            return;
        }
        Promise<Void> result = ch.eventLoop().newPromise();
        boolean[] timedOut = new boolean[1];
        ScheduledFuture<?> timer = ch.eventLoop().schedule(() -> {
            timedOut[0] = true;
            result.tryFailure(new ProxyHandshakeException("proxy " + proxy + " did not complete the "
                    + (socks ? proxy.kind() == ProxyEndpoint.Kind.SOCKS5 ? "SOCKS5" : "SOCKS4a" : "CONNECT")
                    + " handshake for " + route.hostPort() + " within " + Duration.ofMillis(handshakeTimeoutMillis)
                    + " (connectTimeout)", -1, null));
        }, handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
        result.addListener(f -> {
            timer.cancel(false);
            if (f.isSuccess()) {
                ConnectionEvents.tunnelReady(ch, route);
                done.accept(null);
            } else {
                done.accept(new DialException(Phase.PROXY, f.cause().getMessage(), f.cause(), timedOut[0]));
            }
        });
        ChannelPipeline p = ch.pipeline();
        switch (proxy.kind()) {
            case SOCKS5:
                p.addLast(PipelineNames.PROXY_ENCODER, Socks5ClientEncoder.DEFAULT);
                p.addLast(PipelineNames.PROXY_DECODER, new Socks5InitialResponseDecoder());
                p.addLast(PipelineNames.PROXY, new Socks5Handshake(proxy, route.host(), route.port(), route.hostPort(), result));
                break;
            case SOCKS4A:
                p.addLast(PipelineNames.PROXY_ENCODER, Socks4ClientEncoder.INSTANCE);
                p.addLast(PipelineNames.PROXY_DECODER, new Socks4ClientDecoder());
                p.addLast(PipelineNames.PROXY, new Socks4aHandshake(proxy, route.host(), route.port(), route.hostPort(), result));
                break;
            default:
                p.addLast(PipelineNames.PROXY_CODEC, new HttpClientCodec());
                p.addLast(PipelineNames.PROXY, new HttpConnectHandler(proxy, route.hostPort(), connectHeaders(route, proxy), result));
                break;
        }
    }

    /** Go's CONNECT request: Host, User-Agent, the configured headers, and Proxy-Authorization from the proxy URL. */
    private HttpHeaders connectHeaders(RouteKey route, ProxyEndpoint proxy) {
        HttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.HOST, route.hostPort());
        if (!userAgent.isEmpty() && !connectHeaders.contains("User-Agent")) {
            h.set(HttpHeaderNames.USER_AGENT, userAgent);
        }
        connectHeaders.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Host")) {
                h.add(name, value);
            }
        });
        String authorization = proxy.basicAuthorization();
        if (authorization != null) {
            h.set(HttpHeaderNames.PROXY_AUTHORIZATION, authorization);
        }
        return h;
    }

    /** TLS to the proxy itself: hostname verification against the proxy's name, SNI as for origins. */
    private SslHandler tlsToProxy(Channel ch, ProxyEndpoint proxy) {
        SslHandler ssl = sslContext.newHandler(ch.alloc(), proxy.host(), proxy.port());
        SSLEngine engine = ssl.engine();
        SSLParameters params = engine.getSSLParameters();
        if (verifyHostname) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        // As PipelineSetup does for origins: the JDK sends SNI only for names with a dot.
        if (!NetUtil.isValidIpV4Address(proxy.host()) && !NetUtil.isValidIpV6Address(proxy.host())) {
            try {
                params.setServerNames(List.of(new SNIHostName(proxy.host())));
            } catch (IllegalArgumentException notAHostName) {
                // leave the JDK's choice
            }
        }
        engine.setSSLParameters(params);
        ssl.setHandshakeTimeoutMillis(tlsHandshakeTimeoutMillis);
        return ssl;
    }
}
