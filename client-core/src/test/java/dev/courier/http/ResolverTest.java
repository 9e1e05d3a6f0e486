package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.TestServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Name resolution goes through a hosts file before DNS, as the OS resolver does. */
class ResolverTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @TempDir
    Path dir;

    @Test
    void namesInTheHostsFileResolveWithoutDns() throws Exception {
        TestServer server = courier.server();
        Path hosts = Files.writeString(dir.resolve("hosts"), "# test hosts\n127.0.0.1   courier-test.internal  alias.internal\n");
        Transport t = courier.transport(b -> b.hostsFile(hosts));
        List<List<InetAddress>> resolved = new CopyOnWriteArrayList<>();
        ClientTrace trace = new ClientTrace() {
            @Override
            public void dnsDone(List<InetAddress> addresses, Throwable error) {
                resolved.add(addresses);
            }
        };
        Request request = Request.newBuilder("http://Alias.Internal:" + server.port() + "/hosts").trace(trace).build();
        Response r = t.roundTrip(request).get(10, TimeUnit.SECONDS);
        assertThat(r.body().text().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(resolved).containsExactly(List.of(InetAddress.getByName("127.0.0.1")));
        assertThat(server.takeRequest().header("Host")).isEqualTo("Alias.Internal:" + server.port());
    }

    @Test
    void anUnreadableHostsFileIsRejectedByTheBuilder() {
        Path missing = dir.resolve("no-such-hosts");
        assertThatThrownBy(() -> Transport.newBuilder().hostsFile(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hostsFile").hasMessageContaining(missing.toString());
    }
}
