package dev.courier.http.testing;

import dev.courier.http.Client;
import dev.courier.http.ProxySelector;
import dev.courier.http.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM's main for tests about the process environment, which a test cannot set in its own JVM:
 * GETs {@code args[0]}, with names from the hosts file {@code args[1]}, once through a Transport with the
 * default proxy setting and once with {@code ProxySelector.fromEnvironment()}, and prints
 * {@code default=<body>} and {@code env=<body>}.
 */
public final class EnvironmentGet {
    private EnvironmentGet() {
    }

    public static void main(String[] args) throws Exception {
        Transport.Builder plain = Transport.newBuilder().hostsFile(Path.of(args[1])).eventLoopThreads(1);
        Transport.Builder env = Transport.newBuilder().hostsFile(Path.of(args[1])).eventLoopThreads(1)
                .proxy(ProxySelector.fromEnvironment());
        System.out.println("default=" + get(plain, args[0]));
        System.out.println("env=" + get(env, args[0]));
    }

    private static String get(Transport.Builder b, String url) throws Exception {
        try (Transport t = b.build()) {
            Client c = Client.newBuilder().transport(t).timeout(Duration.ofSeconds(10)).build();
            return c.get(url).get(10, TimeUnit.SECONDS).body().text().get(10, TimeUnit.SECONDS);
        }
    }
}
