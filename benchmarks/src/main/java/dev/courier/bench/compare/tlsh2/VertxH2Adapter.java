package dev.courier.bench.compare.tlsh2;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PfxOptions;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP client on HTTP/2 (TLS with ALPN), its default pool of one HTTP/2 connection per
 * origin, trusting the JVM's trust store (Vert.x reads no system property for it, so the file named by
 * {@code javax.net.ssl.trustStore} is given explicitly), bodies counted chunk by chunk as they arrive.
 */
public final class VertxH2Adapter implements ClientAdapter {
    private Vertx vertx;
    private HttpClientAgent client;
    private RequestOptions request;

    @Override
    public String version() {
        return "vertx-core " + Versions.of("io.vertx", "vertx-core", Vertx.class) + " (netty " + Versions.netty() + ")";
    }

    @Override
    public void open(URI base, Workload workload) {
        vertx = Vertx.vertx();
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setUseAlpn(true)
                .setSsl(true)
                .setDecompressionSupported(false);
        String trustStore = System.getProperty("javax.net.ssl.trustStore");
        if (trustStore != null) {
            options.setTrustOptions(new PfxOptions().setPath(trustStore)
                    .setPassword(System.getProperty("javax.net.ssl.trustStorePassword", "")));
        }
        client = vertx.createHttpClient(options, new PoolOptions().setHttp2MaxSize(1));
        request = new RequestOptions().setMethod(HttpMethod.valueOf(workload.method()))
                .setHost(base.getHost()).setPort(base.getPort()).setURI(workload.path()).setFollowRedirects(false);
    }

    @Override
    public void send(Completion done) {
        client.request(request)
                .compose(req -> req.send())
                .onComplete(ar -> {
                    if (ar.failed()) {
                        done.complete(-1, ar.cause());
                        return;
                    }
                    HttpClientResponse response = ar.result();
                    if (response.statusCode() != 200 || response.version() != HttpVersion.HTTP_2) {
                        String problem = response.statusCode() != 200 ? "status " + response.statusCode()
                                : "answered over " + response.version();
                        response.end().onComplete(x -> done.complete(-1, new IllegalStateException(problem)));
                        return;
                    }
                    long[] count = new long[1];
                    response.handler(buffer -> count[0] += buffer.length());
                    response.end().onComplete(end -> done.complete(end.succeeded() ? count[0] : -1, end.cause()));
                });
    }

    @Override
    public void close() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
