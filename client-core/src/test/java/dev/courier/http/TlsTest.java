package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static java.util.concurrent.TimeUnit.SECONDS;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TlsTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static final TestCertificates CERTS = TestCertificates.get();

    private static SSLContext trustingTestCa() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, CERTS.ca().toTrustManagerFactory().getTrustManagers(), null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response get(Transport t, TestServer server, String path) throws Exception {
        return t.roundTrip(Request.newBuilder(server.uri(path)).build()).get(10, SECONDS);
    }

    @Test
    void getOverTlsReusesTheConnection() throws Exception {
        TestServer server = courier.tlsServer(CERTS.server());
        assertThat(server.uri("/a").getScheme()).isEqualTo("https");
        server.enqueue(ServerResponse.ok("hello"));
        server.enqueue(ServerResponse.ok("world"));
        Transport t = courier.transport(b -> b.sslContext(trustingTestCa()));

        Response r1 = get(t, server, "/a");
        assertThat(r1.body().text().get(10, SECONDS)).isEqualTo("hello");
        Response r2 = get(t, server, "/b");
        assertThat(r2.body().text().get(10, SECONDS)).isEqualTo("world");

        assertThat(r1.protocol()).isEqualTo(Protocol.HTTP_1_1);
        RecordedRequest first = server.takeRequest();
        RecordedRequest second = server.takeRequest();
        assertThat(first.path()).isEqualTo("/a");
        assertThat(second.connectionIndex()).isEqualTo(first.connectionIndex());
        assertThat(second.exchangeIndex()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(1);
    }
}
