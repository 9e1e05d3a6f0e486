package dev.courier.bench.compare.clients;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.time.Duration;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Reactor Netty's {@link HttpClient} with a {@link ConnectionProvider} of at least the workload's
 * concurrency (its default holds 2 x max(cores, 8)), bodies counted chunk by chunk as they are received.
 */
public final class ReactorNettyAdapter implements ClientAdapter {
    private ConnectionProvider provider;
    private HttpClient.ResponseReceiver<?> receiver;

    @Override
    public String version() {
        return "reactor-netty-http " + Versions.of("io.projectreactor.netty", "reactor-netty-http", HttpClient.class)
                + " (netty " + Versions.netty() + ")";
    }

    @Override
    public void open(URI base, Workload workload) {
        int pool = Math.max(64, workload.concurrency());
        provider = ConnectionProvider.builder("bench")
                .maxConnections(pool)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(60))
                .build();
        HttpClient client = HttpClient.create(provider)
                .baseUrl(base.toString())
                .keepAlive(workload.keepAlive())
                .compress(false)
                .followRedirect(false);
        if (workload.idleMemory()) {
            // see Workload.IDLE_CONNECT_TIMEOUT (Reactor's defaults: 30 s and 10 s)
            client = client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Workload.IDLE_CONNECT_TIMEOUT.toMillis());
            if ("https".equals(base.getScheme())) { // the JDK's default trust, as without this
                client = client.secure(spec -> spec.sslContext(Http11SslContextSpec.forClient())
                        .handshakeTimeout(Workload.IDLE_CONNECT_TIMEOUT));
            }
        }
        if (workload.requestBodySize() > 0) {
            long size = workload.requestBodySize();
            client = client.headers(h -> h.set(HttpHeaderNames.CONTENT_LENGTH, size));
        }
        HttpClient.RequestSender sender = client.request(HttpMethod.valueOf(workload.method())).uri(workload.path());
        if (workload.requestBodySize() > 0) {
            receiver = sender.send(body(workload));
        } else {
            receiver = sender;
        }
    }

    /** The request body: one 4 KiB buffer, or a stream of 64 KiB duplicates of one chunk; never released (unreleasable). */
    private static Publisher<ByteBuf> body(Workload workload) {
        int chunkSize = (int) Math.min(workload.requestBodySize(), Workload.UPLOAD_CHUNK);
        ByteBuf chunk = Unpooled.unreleasableBuffer(Unpooled.directBuffer(chunkSize).writerIndex(chunkSize));
        if (!workload.streamedUpload()) {
            return Mono.fromSupplier(chunk::duplicate);
        }
        long count = workload.requestBodySize() / chunkSize;
        return Flux.range(0, (int) count).map(i -> chunk.duplicate());
    }

    @Override
    public void send(Completion done) {
        receiver.response((response, content) -> {
                    if (response.status().code() != 200) {
                        return Mono.error(new IllegalStateException("status " + response.status()));
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
