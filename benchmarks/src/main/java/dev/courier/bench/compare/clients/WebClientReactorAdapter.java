package dev.courier.bench.compare.clients;

import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import java.net.URI;
import java.time.Duration;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * WebClient over Spring's {@link ReactorClientHttpConnector} (WebClient's default), with Reactor Netty's
 * {@link HttpClient} configured as {@link ReactorNettyAdapter}'s: a pool of at least the workload's
 * concurrency, no compression, no redirects.
 */
public final class WebClientReactorAdapter extends WebClientAdapter {
    private ConnectionProvider provider;

    @Override
    public String version() {
        return "spring-webflux " + Versions.of("org.springframework", "spring-webflux", WebClient.class)
                + " over reactor-netty-http " + Versions.of("io.projectreactor.netty", "reactor-netty-http", HttpClient.class)
                + " (netty " + Versions.netty() + ")";
    }

    @Override
    ClientHttpConnector connector(URI base, Workload workload) {
        int pool = Math.max(64, workload.concurrency());
        provider = ConnectionProvider.builder("bench")
                .maxConnections(pool)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(60))
                .build();
        HttpClient client = HttpClient.create(provider).keepAlive(workload.keepAlive()).compress(false).followRedirect(false);
        return new ReactorClientHttpConnector(client);
    }

    @Override
    public void close() {
        provider.disposeLater().block(Duration.ofSeconds(10));
    }
}
