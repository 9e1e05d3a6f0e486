package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.internal.dial.IoTransports;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same exchanges over every socket transport this machine offers: NIO always, epoll and io_uring where they load. */
class IoTransportTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @TempDir
    Path dir;

    static List<IoTransport> available() {
        List<IoTransport> kinds = new ArrayList<>(List.of(IoTransport.NIO, IoTransport.EPOLL));
        if (IoTransports.ioUringAvailable()) {
            kinds.add(IoTransport.IO_URING);
        }
        return kinds;
    }

    @ParameterizedTest
    @MethodSource("available")
    void getsReuseOneConnection(IoTransport kind) throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.ioTransport(kind));
        assertThat(t.ioTransport()).isEqualTo(kind);
        for (int i = 0; i < 3; i++) {
            Response r = t.roundTrip(Request.newBuilder(server.uri("/" + i)).build()).get(10, TimeUnit.SECONDS);
            assertThat(r.body().text().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        for (int i = 0; i < 3; i++) {
            RecordedRequest rr = server.takeRequest();
            assertThat(rr.connectionIndex()).isZero();
            assertThat(rr.exchangeIndex()).isEqualTo(i);
        }
    }

    @ParameterizedTest
    @MethodSource("available")
    void uploadsAFileAndDownloadsAStream(IoTransport kind) throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport(b -> b.ioTransport(kind));
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("upload.bin"), data);
        server.enqueue(ServerResponse.status(200).echoBody());
        Response echoed = t.roundTrip(Request.newBuilder(server.uri("/upload")).post(RequestBody.ofFile(file)).build())
                .get(10, TimeUnit.SECONDS);
        assertThat(Arrays.equals(echoed.body().bytes().get(10, TimeUnit.SECONDS), data)).isTrue();
        assertThat(server.takeRequest().header("Content-Length")).isEqualTo(Long.toString(data.length));

        server.enqueue(ServerResponse.status(200).streamBody(8L << 20));
        Response big = t.roundTrip(Request.newBuilder(server.uri("/big")).build()).get(10, TimeUnit.SECONDS);
        assertThat(big.body().discard().get(20, TimeUnit.SECONDS)).isEqualTo(8L << 20);
    }
}
