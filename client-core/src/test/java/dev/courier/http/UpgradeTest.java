package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A 101 Switching Protocols response hands its connection to the caller, out of the pool. */
class UpgradeTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void theCallerOwnsTheUpgradedConnection() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        server.enqueue(ServerResponse.status(101).upgrade());
        Response r = t.roundTrip(Request.newBuilder(server.uri("/echo"))
                .header("Connection", "Upgrade").header("Upgrade", "echo").build()).get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(101);
        assertThat(r.upgradedConnection()).isPresent();
        assertThat(t.stats().total()).as("the connection left the pool").isZero();

        UpgradedConnection conn = r.upgradedConnection().orElseThrow();
        InputStream in = r.body().inputStream();
        conn.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII))).get(10, TimeUnit.SECONDS);
        byte[] echoed = in.readNBytes(4);
        assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("ping");

        conn.close();
        assertThat(in.read()).as("the body ends when the upgraded connection is closed").isEqualTo(-1);
        Await.serverConnections(server, 0);
    }
}
