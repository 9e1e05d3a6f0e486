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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With client-tls on the class path and no {@code courier.tls.engine} property, a default Transport
 * (TlsEngine.AUTO) finds BoringSSL through ServiceLoader. Runs in its own surefire execution without the
 * property (see pom.xml), so the choice is AUTO's own.
 */
class AutoEngineSelectionTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void autoPicksBoringSslWhenClientTlsIsPresent() throws Exception {
        assertThat(System.getProperty("courier.tls.engine")).as("this execution must not force an engine").isNull();
        TestCertificates certs = TestCertificates.get();
        TestServer server = courier.tlsServer(certs.server());
        Transport t = courier.transport(b -> b.trustStore(certs.caTrustStore()));
        assertThat(t.tlsEngine()).isEqualTo(TlsEngine.BORINGSSL);
        try (Response r = t.roundTrip(Request.newBuilder(server.uri("/")).build()).get(10, SECONDS)) {
            assertThat(r.body().text().get(10, SECONDS)).isEqualTo("ok");
            assertThat(r.tlsSession().orElseThrow()).isInstanceOf(OpenSslSession.class);
        }
    }
}
