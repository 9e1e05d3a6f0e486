package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void getTwiceReusesConnection() throws Exception {
        try (TestServer server = TestServer.start(); Transport t = Transport.newBuilder().build()) {
            server.enqueue(ServerResponse.ok("hello"));
            server.enqueue(ServerResponse.ok("world").gzip());
            Response r1 = t.roundTrip(Request.newBuilder(server.uri("/a")).build()).get();
            assertThat(r1.status()).isEqualTo(200);
            assertThat(r1.body().text().get()).isEqualTo("hello");
            Response r2 = t.roundTrip(Request.newBuilder(server.uri("/b")).build()).get();
            assertThat(r2.body().text().get()).isEqualTo("world");
            assertThat(r2.uncompressed()).isTrue();
            assertThat(server.takeRequest().exchangeIndex()).isEqualTo(0);
            assertThat(server.takeRequest().exchangeIndex()).isEqualTo(1);
            System.out.println(t.stats());
        }
    }
}
