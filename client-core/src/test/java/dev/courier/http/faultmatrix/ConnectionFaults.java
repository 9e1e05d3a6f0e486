package dev.courier.http.faultmatrix;

import static dev.courier.http.RequestException.Phase.CONNECT;
import static dev.courier.http.RequestException.Phase.DNS;
import static dev.courier.http.RequestException.Phase.TLS;
import static dev.courier.http.faultmatrix.Env.CERTS;
import static dev.courier.http.faultmatrix.Env.SHORT;
import static dev.courier.http.faultmatrix.Outcome.fails;
import static dev.courier.http.faultmatrix.Proto.H1_TLS;
import static dev.courier.http.faultmatrix.Proto.H2;

import dev.courier.http.Transport;
import dev.courier.http.faultmatrix.Env.Origin;
import dev.courier.http.faultmatrix.Fault.Area;
import dev.courier.http.testing.BlackholeListener;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.TestServer;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import javax.net.ssl.SSLException;

/** Faults before a request is written: name resolution, TCP connect, the TLS handshake. */
final class ConnectionFaults {
    private ConnectionFaults() {
    }

    static List<Fault> all() {
        return List.of(
                Fault.of("DNS_FAILURE", Area.CONNECT, "the host name is under `.invalid` (RFC 6761), which never "
                                + "resolves; no query leaves the machine")
                        .all(fails(DNS).message("RFC 6761"))
                        .run(env -> {
                            Transport t = env.transport();
                            URI uri = URI.create((env.proto.tls() ? "https" : "http") + "://courier-matrix.invalid/");
                            return env.outcome(t.roundTrip(env.get(uri)));
                        }),

                Fault.of("CONNECTION_REFUSED", Area.CONNECT, "nothing listens on the port: the connect is refused")
                        .all(fails(CONNECT).message("refused").causedBy(ConnectException.class))
                        .run(env -> env.outcome(env.transport().roundTrip(env.get(env.uri(Env.closedPort(), "/"))))),

                Fault.of("CONNECT_TIMEOUT", Area.CONNECT, "the listener's accept queue is full, so the connect hangs; "
                                + "`connectTimeout` 300 ms")
                        .all(fails(CONNECT).timeout().message("timed out"))
                        .run(env -> {
                            BlackholeListener stalled = env.closeAfter(BlackholeListener.fullBacklog());
                            Transport t = env.transport(b -> b.connectTimeout(SHORT));
                            return env.outcome(t.roundTrip(env.get(env.uri(stalled.port(), "/"))));
                        }),

                Fault.of("TLS_HANDSHAKE_TIMEOUT", Area.TLS, "the server accepts the connection and never answers the "
                                + "ClientHello; `tlsHandshakeTimeout` 300 ms")
                        .on(fails(TLS).timeout(), H1_TLS, H2)
                        .run(env -> {
                            BlackholeListener silent = env.closeAfter(BlackholeListener.silent());
                            Transport t = env.transport(b -> b.tlsHandshakeTimeout(SHORT));
                            return env.outcome(t.roundTrip(env.get(env.uri(silent.port(), "/"))));
                        }),

                Fault.of("TLS_UNTRUSTED_CERTIFICATE", Area.TLS, "the server's certificate is issued by a CA the "
                                + "client does not trust")
                        .on(fails(TLS).message("certificate signed by unknown authority"), H1_TLS, H2)
                        .run(env -> handshake(env, env.tlsOrigin(CERTS.untrusted()))),

                Fault.of("TLS_EXPIRED_CERTIFICATE", Area.TLS, "the server's certificate expired 30 days ago")
                        .on(fails(TLS).message("certificate has expired"), H1_TLS, H2)
                        .run(env -> handshake(env, env.tlsOrigin(CERTS.expired()))),

                Fault.of("TLS_WRONG_HOST", Area.TLS, "the server's certificate, from a trusted CA, names another host")
                        .on(fails(TLS).message("certificate is valid for other.example, www.other.example, not"),
                                H1_TLS, H2)
                        .run(env -> handshake(env, env.tlsOrigin(CERTS.otherHost()))),

                Fault.of("TLS_ALERT", Area.TLS, "the server wants a client certificate and, given none, answers "
                                + "with the alert bad_certificate (TLS 1.2, so during the handshake)")
                        .on(fails(TLS).message("server sent TLS alert bad_certificate").causedBy(SSLException.class),
                                H1_TLS, H2)
                        .run(env -> {
                            Origin origin = env.proto == H2
                                    ? new Origin(null, env.closeAfter(H2TestServer.startTlsRequiringClientCertificate(
                                            CERTS.server(), CERTS.ca())))
                                    : new Origin(env.closeAfter(TestServer.startTls(CERTS.server(), CERTS.ca())), null);
                            // TLS 1.2: with 1.3 the client's handshake completes before the server checks the
                            // certificate, and the alert then races the request's first write (which may fail first).
                            Observed o = env.outcome(env.transport(b -> b.tlsProtocols("TLSv1.2"))
                                    .roundTrip(env.get(origin.uri("/"))));
                            return origin.requestCount() == 0 ? o : o.withEffect("the server received a request");
                        }),

                Fault.of("TLS_PLAINTEXT_REPLY", Area.TLS, "a plaintext server answers the ClientHello: HTTP/1.1 with "
                                + "a 400 response, h2c with a GOAWAY frame")
                        .on(fails(TLS).message("server gave HTTP response to HTTPS client"), H1_TLS)
                        .on(fails(TLS).message("not an SSL/TLS record"), H2)
                        .run(env -> {
                            int port = env.proto == H2 ? env.closeAfter(H2TestServer.startH2c()).port()
                                    : env.closeAfter(TestServer.start()).port();
                            return env.outcome(env.transport().roundTrip(env.get(env.uri(port, "/"))));
                        }));
    }

    /** A GET to {@code origin}, whose handshake is to fail; the server must not see a request. */
    private static Observed handshake(Env env, Origin origin) throws Exception {
        Observed o = env.outcome(env.transport().roundTrip(env.get(origin.uri("/"))));
        if (origin.requestCount() != 0) {
            throw new AssertionError("the server received a request although the handshake was to fail: " + o.describe());
        }
        return o;
    }
}
