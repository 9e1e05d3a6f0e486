package dev.courier.bench.compare.clients;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.RepeatingPublisher;
import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.StreamChannel;
import org.apache.hc.core5.http.nio.entity.AbstractBinAsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.support.BasicRequestBuilder;
import org.apache.hc.core5.io.CloseMode;

/**
 * Apache HttpClient 5's async client with a pooling connection manager of at least the workload's
 * concurrency per route (its default is 5), redirects, retries and compression off, bodies counted as
 * they stream in.
 */
public final class ApacheAdapter implements ClientAdapter {
    private CloseableHttpAsyncClient client;
    private URI uri;
    private Workload workload;
    private byte[] smallBody;
    private ByteBuffer chunk;

    @Override
    public String version() {
        return "httpclient5 " + Versions.of("org.apache.httpcomponents.client5", "httpclient5")
                + " (httpcore5 " + Versions.of("org.apache.httpcomponents.core5", "httpcore5") + ")";
    }

    @Override
    public void open(URI base, Workload workload) {
        this.workload = workload;
        this.uri = base.resolve(workload.path());
        int pool = Math.max(64, workload.concurrency());
        PoolingAsyncClientConnectionManager connections = PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(pool)
                .setMaxConnPerRoute(pool)
                .build();
        client = HttpAsyncClients.custom()
                .setConnectionManager(connections)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression() // no Accept-Encoding, as the other clients here
                .build();
        client.start();
        if (workload.streamedUpload()) {
            chunk = RepeatingPublisher.chunk(Workload.UPLOAD_CHUNK);
        } else if (workload.requestBodySize() > 0) {
            smallBody = new byte[(int) workload.requestBodySize()];
        }
    }

    @Override
    public void send(Completion done) {
        BasicRequestBuilder b = BasicRequestBuilder.create(workload.method()).setUri(uri);
        if (!workload.keepAlive()) {
            b.setHeader(HttpHeaders.CONNECTION, "close");
        }
        AsyncEntityProducer entity = null;
        if (chunk != null) {
            entity = new RepeatingEntity(chunk, workload.requestBodySize());
        } else if (smallBody != null) {
            entity = AsyncEntityProducers.create(smallBody, ContentType.APPLICATION_OCTET_STREAM);
        }
        Counter counter = new Counter();
        client.execute(new BasicRequestProducer(b.build(), entity), counter, new FutureCallback<Long>() {
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

    /** A streamed request body of {@code total} bytes written from duplicates of one shared chunk. */
    private static final class RepeatingEntity extends AbstractBinAsyncEntityProducer {
        private final ByteBuffer chunk;
        private final long total;
        private long remaining;
        private ByteBuffer current;

        RepeatingEntity(ByteBuffer chunk, long total) {
            super(0, ContentType.APPLICATION_OCTET_STREAM);
            this.chunk = chunk;
            this.total = total;
            this.remaining = total;
        }

        @Override
        public long getContentLength() {
            return total;
        }

        @Override
        protected int availableData() {
            return (int) Math.min(Integer.MAX_VALUE, remaining + (current != null ? current.remaining() : 0));
        }

        @Override
        protected void produceData(StreamChannel<ByteBuffer> channel) throws IOException {
            while (true) {
                if (current == null || !current.hasRemaining()) {
                    if (remaining == 0) {
                        channel.endStream();
                        return;
                    }
                    int n = (int) Math.min(chunk.capacity(), remaining);
                    current = chunk.duplicate().limit(n);
                    remaining -= n;
                }
                if (channel.write(current) == 0) {
                    return; // the channel is full: called again when it drains
                }
            }
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public void failed(Exception cause) {
        }

        @Override
        public void releaseResources() {
            remaining = 0;
            current = null;
        }
    }
}
