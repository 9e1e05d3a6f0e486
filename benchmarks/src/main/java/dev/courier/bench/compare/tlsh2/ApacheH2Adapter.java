package dev.courier.bench.compare.tlsh2;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.support.BasicRequestBuilder;
import org.apache.hc.core5.io.CloseMode;

/**
 * Apache HttpClient 5's HTTP/2 async client ({@code HttpAsyncClients.customHttp2()}: HTTP/2 only, one
 * multiplexed connection per route), TLS with the JVM's default trust (system properties), redirects and
 * retries off, bodies counted as they stream in.
 */
public final class ApacheH2Adapter implements ClientAdapter {
    private CloseableHttpAsyncClient client;
    private URI uri;
    private String method;

    @Override
    public String version() {
        return "httpclient5 " + Versions.of("org.apache.httpcomponents.client5", "httpclient5")
                + " (httpcore5-h2 " + Versions.of("org.apache.httpcomponents.core5", "httpcore5-h2") + ")";
    }

    @Override
    public void open(URI base, Workload workload) {
        uri = base.resolve(workload.path());
        method = workload.method();
        client = HttpAsyncClients.customHttp2()
                .setTlsStrategy(ClientTlsStrategyBuilder.create().useSystemProperties().buildAsync())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .build();
        client.start();
    }

    @Override
    public void send(Completion done) {
        Counter counter = new Counter();
        client.execute(new BasicRequestProducer(BasicRequestBuilder.create(method).setUri(uri).build(), null), counter,
                new FutureCallback<Long>() {
                    @Override
                    public void completed(Long n) {
                        done.complete(n, counter.status == 200 ? null : new IllegalStateException("status " + counter.status));
                    }

                    @Override
                    public void failed(Exception e) {
                        done.complete(-1, e);
                    }

                    @Override
                    public void cancelled() {
                        done.complete(-1, new CancellationException());
                    }
                });
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }

    /** Counts and drops a response body. */
    private static final class Counter extends AbstractBinResponseConsumer<Long> {
        private int status;
        private long count;

        @Override
        protected void start(HttpResponse response, ContentType contentType) {
            status = response.getCode();
        }

        @Override
        protected int capacityIncrement() {
            return Integer.MAX_VALUE;
        }

        @Override
        protected void data(ByteBuffer src, boolean endOfStream) {
            count += src.remaining();
            src.position(src.limit());
        }

        @Override
        protected Long buildResult() {
            return count;
        }

        @Override
        public void releaseResources() {
        }
    }
}
