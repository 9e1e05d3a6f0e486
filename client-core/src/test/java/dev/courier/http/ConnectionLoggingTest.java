package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.internal.ConnectionEvents;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import dev.courier.http.testing.TunnelProxy;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.Slf4JLoggerFactory;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Courier logs, through a real SLF4J provider (slf4j-simple, which writes to whatever
 * {@code System.err} is at each call): one DEBUG line per connection event, each carrying the connection's
 * id and, where a request is involved, its method and URL without password; nothing at INFO or above for
 * requests that go well.
 *
 * <p>Tagged {@code connection-logging}: it runs in its own JVM (the surefire execution of that name in this
 * module's pom), where {@code dev.courier} logs at DEBUG; slf4j-simple fixes levels when a logger is made,
 * and every other test runs at INFO.
 */
@Tag("connection-logging")
class ConnectionLoggingTest {
    private static final TestCertificates CERTS = TestCertificates.get();
    private static final String PASSWORD = "s3cretPassw0rd";
    private static final Pattern ID = Pattern.compile("\\[(c\\d+)\\]");

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private PrintStream originalErr;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void captureStandardError() {
        assertThat(InternalLoggerFactory.getDefaultFactory()).as("Netty (and so Courier) log through SLF4J")
                .isInstanceOf(Slf4JLoggerFactory.class);
        assertThat(ConnectionEvents.isDebugEnabled()).as("dev.courier logs at DEBUG in this JVM (the "
                + "connection-logging execution sets org.slf4j.simpleLogger.log.dev.courier=debug)").isTrue();
        originalErr = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                originalErr.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                originalErr.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardError() {
        System.setErr(originalErr);
    }

    @Test
    void eachConnectionEventIsOneDebugLineWithTheIdMethodAndRedactedUrl() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> r.path().equals("/last") ? ServerResponse.ok("bye").closeConnection() : ServerResponse.ok("hi"));
        Transport t = courier.transport(b -> b);
        URI uri = withPassword(server.uri("/first"));
        Response first = t.roundTrip(Request.newBuilder(uri).build()).get(10, SECONDS);
        first.body().text().get(10, SECONDS);
        String id = first.connectionId();
        Await.until(() -> "the idle line in " + lines(), () -> has("[" + id + "] idle in the pool"));
        Response second = t.roundTrip(Request.newBuilder(withPassword(server.uri("/last"))).method("POST",
                RequestBody.of("x", StandardCharsets.UTF_8)).build()).get(10, SECONDS);
        second.body().text().get(10, SECONDS);
        assertThat(second.connectionId()).isEqualTo(id);
        Await.until(() -> "the close line in " + lines(), () -> has("[" + id + "] POST "));

        String redacted = "http://user:***@127.0.0.1:" + server.port();
        List<String> mine = lines().stream().filter(l -> l.contains("[" + id + "]")).collect(Collectors.toList());
        assertLine(mine, "DEBUG dev.courier.http.internal.ConnectionEvents - [" + id + "] GET " + redacted
                + "/first: dialing http://127.0.0.1:" + server.port());
        assertLine(mine, "[" + id + "] GET " + redacted + "/first: connected to 127.0.0.1:" + server.port() + " in ");
        assertLine(mine, "[" + id + "] ready: HTTP/1.1 http://127.0.0.1:" + server.port() + " (local 127.0.0.1:");
        assertLine(mine, "[" + id + "] idle in the pool of http://127.0.0.1:" + server.port());
        assertLine(mine, "[" + id + "] POST " + redacted + "/last: reusing HTTP/1.1 connection idle for ");
        // The server said Connection: close: that is why, whoever closed the socket first.
        assertLine(mine, "[" + id + "] POST " + redacted + "/last: closed: CONNECTION_CLOSE (HTTP/1.1 http://127.0.0.1:"
                + server.port() + ", open ");
        assertNoPasswordAndNothingAboveDebug();
    }

    @Test
    void theTlsEngineIsADebugLine() {
        courier.transport(b -> b);
        List<String> engine = lines().stream().filter(l -> l.contains("TLS engine: ")).collect(Collectors.toList());
        assertThat(engine).hasSize(1);
        assertThat(engine.get(0)).endsWith("DEBUG dev.courier.http.Transport - TLS engine: JDK (SunJSSE, Java "
                + Runtime.version() + ")");
    }

    @Test
    void tlsAndAlpnAreLoggedAndAClientCloseSaysSo() throws Exception {
        H2TestServer server = courier.closeAfter(H2TestServer.startTls(CERTS.server()));
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        Response r = t.roundTrip(Request.newBuilder(withPassword(server.uri("/tls"))).build()).get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        String id = r.connectionId();
        t.close();
        Await.until(() -> "the close line in " + lines(), () -> has("[" + id + "] closed: "));

        List<String> mine = lines().stream().filter(l -> l.contains("[" + id + "]")).collect(Collectors.toList());
        String redacted = "https://user:***@localhost:" + server.port() + "/tls";
        assertLine(mine, "[" + id + "] GET " + redacted + ": TLS handshake with localhost:" + server.port() + " done: TLSv1.3, TLS_");
        assertLine(mine, ", ALPN h2");
        assertLine(mine, "[" + id + "] ready: h2 https://localhost:" + server.port());
        assertLine(mine, "[" + id + "] closed: CLIENT_CLOSED (h2 https://localhost:" + server.port());
        assertNoPasswordAndNothingAboveDebug();
    }

    @Test
    void theServerClosingAnIdleConnectionAndAnIdleTimeoutAreToldApart() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("hi"));
        Transport t = courier.transport(b -> b);
        Response r = t.roundTrip(Request.newBuilder(server.uri("/a")).build()).get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        String serverClosed = r.connectionId();
        Await.idleConnections(t, 1);
        server.closeIdleConnections();
        Await.until(() -> "the close line in " + lines(), () -> has("[" + serverClosed + "] closed: SERVER_CLOSED (HTTP/1.1"));

        Transport shortIdle = courier.transport(b -> b.idleConnTimeout(Duration.ofMillis(50)));
        Response s = shortIdle.roundTrip(Request.newBuilder(server.uri("/b")).build()).get(10, SECONDS);
        s.body().discard().get(10, SECONDS);
        String timedOut = s.connectionId();
        Await.until(() -> "the close line in " + lines(), () -> has("[" + timedOut + "] closed: IDLE_TIMEOUT (HTTP/1.1"));
        assertNoPasswordAndNothingAboveDebug();
    }

    @Test
    void aProxiedDialNamesTheProxyWithoutItsPassword() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("hi"));
        TunnelProxy proxy = courier.closeAfter(TunnelProxy.socks5());
        URI proxyUri = proxy.uri("puser:" + PASSWORD);
        Transport t = courier.transport(b -> b.proxy(ProxySelector.of(Proxy.of(proxyUri))));
        Response r = t.roundTrip(Request.newBuilder(server.uri("/via")).build()).get(10, SECONDS);
        r.body().discard().get(10, SECONDS);
        String id = r.connectionId();
        Await.until(() -> "the idle line in " + lines(), () -> has("[" + id + "] idle in the pool"));
        List<String> mine = lines().stream().filter(l -> l.contains("[" + id + "]")).collect(Collectors.toList());
        String redactedProxy = "socks5://puser:***@127.0.0.1:" + proxy.port();
        assertLine(mine, "[" + id + "] GET " + server.uri("/via") + ": dialing " + redactedProxy + " -> http://127.0.0.1:"
                + server.port());
        assertLine(mine, "[" + id + "] GET " + server.uri("/via") + ": through proxy " + redactedProxy + " to 127.0.0.1:"
                + server.port());
        assertNoPasswordAndNothingAboveDebug();
    }

    @Test
    void aFailedDialIsLoggedWithItsCause() throws Exception {
        TestServer server = courier.server();
        URI closedPort = server.uri("/nobody");
        server.close();
        Transport t = courier.transport(b -> b);
        Throwable e = t.roundTrip(Request.newBuilder(withPassword(closedPort)).build()).handle((r, x) -> x).get(10, SECONDS);
        assertThat(e).isInstanceOf(RequestException.class);
        Await.until(() -> "the dial failure in " + lines(), () -> has(": dialing http://127.0.0.1:" + closedPort.getPort() + " failed: "));
        String line = lines().stream().filter(l -> l.contains(" failed: ")).findFirst().orElseThrow();
        assertThat(line).matches(".*\\[c\\d+\\] GET http://user:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/nobody: dialing .* failed: "
                + ".*DialException: cannot connect to 127\\.0\\.0\\.1:\\d+: .*");
        assertNoPasswordAndNothingAboveDebug();
    }

    @Test
    void aListenerThatThrowsIsReportedOnceAndTheConnectionWorks() throws Exception {
        TestServer server = courier.server();
        server.dispatcher(r -> ServerResponse.ok("hi"));
        AtomicInteger calls = new AtomicInteger();
        ConnectionListener faulty = new ConnectionListener() {
            @Override
            public void connectionOpened(Connection connection) {
                calls.incrementAndGet();
                throw new IllegalStateException("listener bug");
            }

            @Override
            public String toString() {
                return "the faulty listener";
            }
        };
        Transport t = courier.transport(b -> b.connectionListener(faulty).disableKeepAlives(true));
        for (int i = 0; i < 3; i++) {
            Response r = t.roundTrip(Request.newBuilder(server.uri("/" + i)).build()).get(10, SECONDS);
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo("hi");
        }
        assertThat(calls).hasValue(3);
        List<String> reports = lines().stream().filter(l -> l.contains("the faulty listener threw")).collect(Collectors.toList());
        assertThat(reports).hasSize(3);
        assertThat(reports.get(0)).contains("WARN").containsPattern(ID.pattern())
                .contains("threw from connectionOpened (the connection is unaffected");
        assertThat(reports.subList(1, 3)).allSatisfy(l -> assertThat(l).contains("DEBUG"));
    }

    private static URI withPassword(URI uri) {
        return URI.create(uri.getScheme() + "://user:" + PASSWORD + "@" + uri.getHost() + ":" + uri.getPort() + uri.getRawPath());
    }

    private void assertNoPasswordAndNothingAboveDebug() {
        List<String> all = lines();
        assertThat(all).as("lines mentioning the password").noneMatch(l -> l.contains(PASSWORD));
        // slf4j-simple: "[thread] LEVEL logger - message"
        assertThat(all).as("Courier's lines above DEBUG for requests that went well")
                .noneMatch(l -> l.matches("^\\[[^]]*\\] (INFO|WARN|ERROR) dev\\.courier\\..*"));
    }

    private static void assertLine(List<String> lines, String fragment) {
        assertThat(lines).as("a line containing \"%s\"", fragment).anyMatch(l -> l.contains(fragment));
    }

    private boolean has(String fragment) {
        return lines().stream().anyMatch(l -> l.contains(fragment));
    }

    private List<String> lines() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        }
    }
}
