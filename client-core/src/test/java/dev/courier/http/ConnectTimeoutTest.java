package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Exchanges;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A connect that neither succeeds nor fails is ended by connectTimeout, as a typed timeout in phase CONNECT. */
class ConnectTimeoutTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void aStalledConnectTimesOut() throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket stalled = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            // A full accept queue makes the kernel drop further SYNs: the next connect hangs.
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket();
                fillers.add(s);
                try {
                    s.connect(stalled.getLocalSocketAddress(), 300);
                } catch (SocketTimeoutException full) {
                    break;
                }
            }
            Transport t = courier.transport(b -> b.connectTimeout(Duration.ofMillis(300)));
            RequestException e = Exchanges.failure(t.roundTrip(
                    Request.newBuilder("http://127.0.0.1:" + stalled.getLocalPort() + "/").build()));
            assertThat(e.phase()).isEqualTo(RequestException.Phase.CONNECT);
            assertThat(e.isTimeout()).isTrue();
            assertThat(e.getMessage()).contains("127.0.0.1:" + stalled.getLocalPort()).contains("timed out");
            assertThat(t.stats().total()).isZero();
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }
}
