package dev.courier.http.tls;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.TlsEngine;
import dev.courier.http.Transport;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import io.netty.handler.ssl.OpenSslSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves that this module's run of the TLS suite (client-core's Tls*Test and Nginx*Test classes, with
 * {@code -Dcourier.tls.engine=boringssl}) really runs on BoringSSL, and that an explicit JDK choice still
 * gets the JDK's engine with client-tls on the class path.
 */
class TlsBoringSslEngineTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static final TestCertificates CERTS = TestCertificates.get();

    private static SSLSession session(Transport t, TestServer server) throws Exception {
        try (Response r = t.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS)) {
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
            return r.tlsSession().orElseThrow();
        }
    }

    @Test
    void thisRunIsOnBoringSsl() throws Exception {
        assertThat(System.getProperty("courier.tls.engine")).isEqualTo("boringssl");
        assertThat(BoringSsl.isAvailable()).as("BoringSSL loads: %s", BoringSsl.unavailabilityCause()).isTrue();
        TestServer server = courier.tlsServer(CERTS.server());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        assertThat(t.tlsEngine()).isEqualTo(TlsEngine.BORINGSSL);
        // Sessions of Netty's OpenSSL engine (ReferenceCountedOpenSslEngine) are OpenSslSessions; the JDK's are not.
        SSLSession session = session(t, server);
        assertThat(session).isInstanceOf(OpenSslSession.class);
        assertThat(session.getClass().getName()).startsWith("io.netty.handler.ssl.ReferenceCountedOpenSslEngine");
    }

    /** The engine's name in the Transport's DEBUG line; nothing at INFO (see client-core's EngineSelectionTest). */
    @Test
    void theEngineDescriptionNamesBoringSslAndItsVersion() {
        List<String> lines = stderrLinesWhile(() -> courier.transport(b -> b));
        assertThat(lines).noneMatch(l -> l.contains("TLS engine: "));
        String description = dev.courier.http.internal.tls.TlsEngines.select(TlsEngine.AUTO, false).describe(null);
        assertThat(description).matches("BoringSSL "
                + "\\(OpenSSL \\d+\\.\\d+\\.\\d+ compatible, netty-tcnative \\d+\\.\\d+\\.\\d+\\.Final\\)");
        assertThat(BoringSsl.description()).isEqualTo(description);
    }

    @Test
    void anExplicitJdkChoiceStillGetsTheJdkEngine() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()).tlsEngine(TlsEngine.JDK));
        assertThat(t.tlsEngine()).isEqualTo(TlsEngine.JDK);
        SSLSession session = session(t, server);
        assertThat(session).isNotInstanceOf(OpenSslSession.class);
        assertThat(session.getClass().getName()).startsWith("sun.security.ssl.");
    }

    /** slf4j-simple writes to whatever System.err is at the time of each log call. */
    private static List<String> stderrLinesWhile(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return Arrays.asList(captured.toString(StandardCharsets.UTF_8).split("\\R"));
    }
}
