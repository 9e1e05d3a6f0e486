package dev.courier.http.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Client;
import dev.courier.http.RedirectPolicy;
import dev.courier.http.Transport;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.H2RecordedRequest;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.TestCertificates;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;

/**
 * A real Spring WebClient over CourierClientHttpConnector over TLS and HTTP/2 (ALPN) against our HTTP/2 test
 * server: the exchange maps the same way, and cancelling a download resets its stream (RST_STREAM CANCEL)
 * while the connection stays for the next request.
 */
class CourierClientHttpConnectorH2Test {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.get();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private WebClient webClient(Transport t) {
        Client client = Client.newBuilder().transport(t).redirectPolicy(RedirectPolicy.none()).build();
        return WebClient.builder().clientConnector(new CourierClientHttpConnector(client)).build();
    }

    @Test
    void anExchangeOverH2() {
        H2TestServer server = courier.closeAfter(H2TestServer.startTls(CERTS.server()));
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        server.enqueue(H2Response.status(200).header("x-answer", "42").body("hello h2"));

        ResponseEntity<String> entity = webClient(t).get().uri(server.uri("/a/b?q=1")).header("X-Custom", "v")
                .cookie("k", "v1").retrieve().toEntity(String.class).block(WAIT);

        assertThat(entity.getBody()).isEqualTo("hello h2");
        assertThat(entity.getHeaders().getFirst("X-Answer")).isEqualTo("42");
        H2RecordedRequest seen = server.takeRequest();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.path()).isEqualTo("/a/b?q=1");
        assertThat(seen.header("x-custom")).isEqualTo("v");
        assertThat(seen.header("cookie")).isEqualTo("k=v1");
    }

    @Test
    void cancellingADownloadResetsItsStreamAndKeepsTheConnection() {
        H2TestServer server = courier.closeAfter(H2TestServer.startTls(CERTS.server()));
        Transport t = courier.transport(b -> b.trustStore(CERTS.caTrustStore()));
        server.enqueue(H2Response.status(200).streamBody(64L << 20));
        server.enqueue(H2Response.status(200).body("next"));
        WebClient web = webClient(t);

        StepVerifier.create(web.get().uri(server.uri("/big")).retrieve().bodyToFlux(DataBuffer.class), 2)
                .expectNextCount(2)
                .thenCancel()
                .verify(WAIT);

        Await.until("the client resets the stream", () -> !server.resetsReceived().isEmpty());
        assertThat(server.resetsReceived().get(0).errorCode()).isEqualTo(0x8); // CANCEL (RFC 9113 section 7)
        Await.until(() -> "no stream left: " + t.stats(), () -> t.stats().streams() == 0);
        assertThat(web.get().uri(server.uri("/next")).retrieve().bodyToMono(String.class).block(WAIT)).isEqualTo("next");
        assertThat(server.connectionCount()).as("the connection outlived the cancelled stream").isEqualTo(1);
    }
}
