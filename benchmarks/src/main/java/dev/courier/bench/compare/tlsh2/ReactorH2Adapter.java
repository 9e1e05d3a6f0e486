package dev.courier.bench.compare.tlsh2;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Reactor Netty's {@link HttpClient} on HTTP/2 only ({@code protocol(H2)}, TLS with its default client
 * context) over a {@link ConnectionProvider} of one connection: for HTTP/2 its pool multiplexes streams
 * on each connection up to the server's limit, and one connection is what this workload compares.
 * Bodies are counted chunk by chunk as they are received.
 */
public final class ReactorH2Adapter implements ClientAdapter {
    private ConnectionProvider provider;
    private HttpClient.ResponseReceiver<?> receiver;

    @Override
    public String version() {
        return "reactor-netty-http " + Versions.of("io.projectreactor.netty", "reactor-netty-http", HttpClient.class)
                + " (netty " + Versions.netty() + ")";
    }

    @Override
    public void open(URI base, Workload workload) {
        provider = ConnectionProvider.builder("bench-h2")
                .maxConnections(1)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(60))
                .build();
        HttpClient client = HttpClient.create(provider)
                .protocol(HttpProtocol.H2)
                .secure()
                .baseUrl(base.toString())
                .compress(false)
                .followRedirect(false);
        receiver = client.request(HttpMethod.valueOf(workload.method())).uri(workload.path());
    }

    @Override
    public void send(Completion done) {
        receiver.response((response, content) -> {
                    if (response.status().code() != 200) {
                        return Mono.error(new IllegalStateException("status " + response.status()));
                    }
                    if (!"HTTP/2.0".equals(response.version().text())) {
                        return Mono.error(new IllegalStateException("answered over " + response.version()));
                    }
                    return content.reduce(0L, (n, buf) -> n + buf.readableBytes());
                })
                .subscribe(n -> done.complete(n, null), e -> done.complete(-1, e));
    }

    @Override
    public void close() {
        provider.disposeLater().block(Duration.ofSeconds(10));
    }
}
