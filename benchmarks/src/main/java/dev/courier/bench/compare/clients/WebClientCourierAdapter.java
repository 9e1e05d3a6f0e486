package dev.courier.bench.compare.clients;

import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import dev.courier.http.Client;
import dev.courier.http.RedirectPolicy;
import dev.courier.http.Transport;
import dev.courier.http.spring.CourierClientHttpConnector;
import java.net.URI;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/** WebClient over client-spring's {@link CourierClientHttpConnector}, the Transport configured as {@link CourierAdapter}'s. */
public final class WebClientCourierAdapter extends WebClientAdapter {
    private Transport transport;

    @Override
    public String version() {
        return "spring-webflux " + Versions.of("org.springframework", "spring-webflux", WebClient.class)
                + " over courier " + Versions.of("dev.courier", "client-core") + " (netty " + Versions.netty() + ")";
    }

    @Override
    ClientHttpConnector connector(URI base, Workload workload) {
        int pool = Math.max(64, workload.concurrency());
        transport = Transport.newBuilder()
                .maxIdleConns(Math.max(256, pool))
                .maxIdleConnsPerHost(pool)
                .disableKeepAlives(!workload.keepAlive())
                .disableCompression(true)
                .build();
        return new CourierClientHttpConnector(Client.newBuilder().transport(transport).redirectPolicy(RedirectPolicy.none()).build());
    }

    @Override
    public void close() {
        transport.close();
    }
}
