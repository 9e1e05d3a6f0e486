package dev.courier.http.faultmatrix;

import static dev.courier.http.RequestException.Phase.PROXY;
import static dev.courier.http.faultmatrix.Outcome.fails;
import static dev.courier.http.faultmatrix.Proto.H1;
import static dev.courier.http.faultmatrix.Proto.H1_TLS;
import static dev.courier.http.faultmatrix.Proto.H2;

import dev.courier.http.Proxy;
import dev.courier.http.ProxySelector;
import dev.courier.http.Transport;
import dev.courier.http.faultmatrix.Env.Origin;
import dev.courier.http.faultmatrix.Fault.Area;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import dev.courier.http.testing.TunnelProxy;
import java.net.URI;
import java.util.List;

/**
 * Faults of a proxy on the way, played by the test fixtures rather than real proxies (fast, and every answer
 * scripted): an HTTP proxy's 407, a CONNECT the proxy cannot fulfil, SOCKS failure replies, a proxy that is down.
 * An http:// request goes to an HTTP proxy in absolute form (no CONNECT); https:// goes through a tunnel.
 */
final class ProxyFaults {
    private ProxyFaults() {
    }

    static List<Fault> all() {
        return List.of(
                Fault.of("PROXY_407", Area.PROXY, "the HTTP proxy answers 407 Proxy Authentication Required (to the "
                                + "absolute-form request, or to CONNECT) and the proxy URL has no credentials")
                        .all(fails(PROXY).message("407"))
                        .run(env -> {
                            Origin origin = env.origin();
                            int proxyPort;
                            if (env.proto == H1) {
                                TestServer proxy = env.closeAfter(TestServer.start());
                                proxy.dispatcher(r -> ServerResponse.status(407)
                                        .header("Proxy-Authenticate", "Basic realm=\"matrix\""));
                                proxyPort = proxy.port();
                            } else {
                                TunnelProxy proxy = env.closeAfter(TunnelProxy.connect());
                                proxy.challenge(100);
                                proxyPort = proxy.port();
                            }
                            return through(env, "http://127.0.0.1:" + proxyPort, origin.uri("/"));
                        }),

                Fault.of("PROXY_CONNECT_REFUSED", Area.PROXY, "the HTTP proxy cannot reach the origin and answers "
                                + "CONNECT with 502 Bad Gateway")
                        .on(fails(PROXY).message("502"), H1_TLS, H2)
                        .run(env -> {
                            TunnelProxy proxy = env.closeAfter(TunnelProxy.connect());
                            return through(env, proxy.uri(null).toString(), env.uri(Env.closedPort(), "/"));
                        }),

                Fault.of("SOCKS5_FAILURE_REPLY", Area.PROXY, "the SOCKS5 proxy cannot reach the origin and replies "
                                + "X'05' connection refused")
                        .all(fails(PROXY).message("could not connect to 127.0.0.1"))
                        .run(env -> {
                            TunnelProxy proxy = env.closeAfter(TunnelProxy.socks5());
                            return through(env, proxy.uri(null).toString(), env.uri(Env.closedPort(), "/"));
                        }),

                Fault.of("SOCKS4_REJECTED", Area.PROXY, "the SOCKS4a proxy cannot reach the origin and replies 91 "
                                + "(request rejected or failed)")
                        .all(fails(PROXY).message("rejected or failed (91)"))
                        .run(env -> {
                            TunnelProxy proxy = env.closeAfter(TunnelProxy.socks4a());
                            return through(env, proxy.uri(null).toString(), env.uri(Env.closedPort(), "/"));
                        }),

                Fault.of("PROXY_DOWN", Area.PROXY, "nothing listens at the proxy's address")
                        .all(fails(PROXY).message("cannot connect to proxy"))
                        .run(env -> {
                            Origin origin = env.origin();
                            return through(env, "http://127.0.0.1:" + Env.closedPort(), origin.uri("/"));
                        }));
    }

    /** A GET to {@code target} through the proxy at {@code proxyUri}; the origin must not see a request. */
    private static Observed through(Env env, String proxyUri, URI target) throws Exception {
        Transport t = env.transport(b -> b.proxy(ProxySelector.of(Proxy.of(URI.create(proxyUri)))));
        return env.outcome(t.roundTrip(env.get(target)));
    }
}
