package dev.courier.bench.compare.clients;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.Workload;
import java.net.URI;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Spring's WebClient over a {@link ClientHttpConnector}, the part under comparison (run-webclient.sh): each
 * request is built as an application builds it ({@code get().uri(path).retrieve()}) and its body read as
 * {@code DataBuffer}s, counted and released, so that no codec cost hides the connector's. GET workloads only.
 */
abstract class WebClientAdapter implements ClientAdapter {
    private WebClient web;
    private String path;

    /** The connector for {@code workload}: a pool of at least its concurrency, no compression, no redirects. */
    abstract ClientHttpConnector connector(URI base, Workload workload) throws Exception;

    @Override
    public void open(URI base, Workload workload) throws Exception {
        if (!workload.method().equals("GET") || workload.requestBodySize() > 0 || workload.idleMemory()) {
            throw new IllegalArgumentException("the WebClient adapters run GET workloads only, not " + workload.id());
        }
        web = WebClient.builder().clientConnector(connector(base, workload)).baseUrl(base.toString()).build();
        path = workload.path();
    }

    @Override
    public void send(Completion done) {
        web.get().uri(path).retrieve().bodyToFlux(DataBuffer.class)
                .reduce(0L, (n, buffer) -> {
                    long total = n + buffer.readableByteCount();
                    DataBufferUtils.release(buffer); // Reactor Netty's are pooled; Courier's heap ones ignore it
                    return total;
                })
                .subscribe(n -> done.complete(n, null), e -> done.complete(-1, e));
    }
}
