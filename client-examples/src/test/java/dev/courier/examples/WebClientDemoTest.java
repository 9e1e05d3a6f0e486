package dev.courier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code courier webclient} in this JVM (the leak detector watching): every section does what it says. */
class WebClientDemoTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void theWebClientDemoShowsReuseStreamingBackpressureTimeoutAndErrors() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WebClientDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("200 OK \"hello /hello/3\" X-Served-By=embedded; server saw Cookie: visit=3 on connection 0")
                .contains("server accepted 1 connection(s)")
                .contains("echoed: line 1 | line 2 | line 3 | line 4 | line 5; sent chunked: true")
                .contains("downloaded 64 MiB")
                .contains("failed: TimeoutException")
                .contains("WebClientRequestException caused by RequestException: GET http://127.0.0.1:1/: connecting");
        assertThat(out).contains("pool after the timeout: TransportStats[")
                .doesNotContainPattern("pool after the timeout: .*[1-9] active");
    }
}
