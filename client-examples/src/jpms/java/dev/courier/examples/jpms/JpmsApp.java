package dev.courier.examples.jpms;

import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.RoundTripper;
import dev.courier.http.Transport;
import dev.courier.http.micrometer.CourierMetrics;
import dev.courier.http.opentelemetry.CourierTelemetry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Makes one https request through Courier running as named modules, and prints what {@code JpmsIT} checks:
 * the modules resolved, the packages {@code dev.courier.http} exports, the TLS engine service binding gave
 * the Transport, the response and the request timer Micrometer recorded.
 *
 * <p>Usage: {@code JpmsApp <https url> <trusted CA PEM file>}.
 */
public final class JpmsApp {
    private JpmsApp() {
    }

    /** Runs the request; exits non-zero (with the stack trace) on any failure. */
    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        Path caPem = Path.of(args[1]);

        Module core = Transport.class.getModule();
        TreeSet<String> courierModules = new TreeSet<>();
        for (Module m : ModuleLayer.boot().modules()) {
            if (m.getName().startsWith("dev.courier.")) {
                courierModules.add(m.getName());
            }
        }
        System.out.println("modules=" + courierModules);
        System.out.println("exports=" + new TreeSet<>(core.getDescriptor().exports().stream()
                .map(e -> e.source() + (e.isQualified() ? " to " + e.targets() : "")).toList()));
        System.out.println("reads-internal=" + JpmsApp.class.getModule().canRead(core)
                + "/" + core.isExported("dev.courier.http.internal", JpmsApp.class.getModule()));

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Transport transport = Transport.newBuilder().trustPem(caPem).build()) {
            System.out.println("engine=" + transport.tlsEngine());
            System.out.println("io=" + transport.ioTransport());
            RoundTripper metered = CourierMetrics.builder(registry).build().instrument(transport);
            RoundTripper traced = CourierTelemetry.create(OpenTelemetry.noop()).instrument(metered);
            Client client = Client.newBuilder().transport(traced).timeout(Duration.ofSeconds(30)).build();
            Response r = client.send(Request.newBuilder(url).build()).join();
            String body = r.body().text().join();
            System.out.println("status=" + r.status() + " protocol=" + r.protocol() + " body=" + body);
        }
        // The timer records when the body's end reaches the metrics layer, on the event loop, which may be
        // just after text() completed here: wait for it (bounded).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long count = 0;
        while (count == 0 && System.nanoTime() < deadline) {
            count = registry.find(CourierMetrics.REQUESTS).timers().stream().mapToLong(Timer::count).sum();
            if (count == 0) {
                Thread.sleep(10);
            }
        }
        System.out.println("timer-count=" + count);
    }
}
