package dev.courier.bench.compare.clients;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.RepeatingPublisher;
import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.asynchttpclient.AsyncHandler;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.AsyncHttpClientConfig;
import org.asynchttpclient.Dsl;
import org.asynchttpclient.HttpResponseBodyPart;
import org.asynchttpclient.HttpResponseStatus;
import org.asynchttpclient.Request;
import org.asynchttpclient.RequestBuilder;
import org.asynchttpclient.request.body.Body;

/**
 * AsyncHttpClient 3 (on the Netty 4.1 it was built for) with no connection limit, native epoll (which it
 * uses only when asked), body parts that wrap Netty's buffers rather than copy them, and a handler that
 * counts body parts as they arrive.
 */
public final class AsyncHttpClientAdapter implements ClientAdapter {
    private AsyncHttpClient client;
    private Request request;

    @Override
    public String version() {
        return "async-http-client " + Versions.of("org.asynchttpclient", "async-http-client")
                + " (netty " + Versions.netty() + ")";
    }

    @Override
    public void open(URI base, Workload workload) {
        client = Dsl.asyncHttpClient(Dsl.config()
                .setMaxConnections(-1)
                .setMaxConnectionsPerHost(-1)
                .setKeepAlive(workload.keepAlive())
                .setUseNativeTransport(true)
                // LAZY: body parts wrap Netty's buffers; the default (EAGER) copies each into a byte[] first.
                .setResponseBodyPartFactory(AsyncHttpClientConfig.ResponseBodyPartFactory.LAZY)
                .setFollowRedirect(false)
                .setCompressionEnforced(false)
                .setRequestTimeout(Duration.ofMinutes(2))
                .setReadTimeout(Duration.ofMinutes(2))
                // see Workload.IDLE_CONNECT_TIMEOUT (AHC's defaults: 5 s and 10 s)
                .setConnectTimeout(workload.idleMemory() ? Workload.IDLE_CONNECT_TIMEOUT : Duration.ofSeconds(5))
                .setHandshakeTimeout((int) (workload.idleMemory() ? Workload.IDLE_CONNECT_TIMEOUT : Duration.ofSeconds(10)).toMillis()));
        RequestBuilder b = new RequestBuilder(workload.method()).setUrl(base.resolve(workload.path()).toString());
        if (workload.streamedUpload()) {
            ByteBuffer chunk = RepeatingPublisher.chunk(Workload.UPLOAD_CHUNK);
            long size = workload.requestBodySize();
            b.setBody(() -> new RepeatingBody(chunk, size));
        } else if (workload.requestBodySize() > 0) {
            b.setBody(new byte[(int) workload.requestBodySize()]);
        }
        request = b.build();
    }

    @Override
    public void send(Completion done) {
        client.executeRequest(request, new Counter(done));
    }

    @Override
    public void close() throws Exception {
        client.close();
    }

    /** Counts a response's body parts and reports once. */
    private static final class Counter implements AsyncHandler<Long> {
        private final Completion done;
        private int status;
        private long count;
        private boolean reported;

        Counter(Completion done) {
            this.done = done;
        }

        @Override
        public State onStatusReceived(HttpResponseStatus responseStatus) {
            status = responseStatus.getStatusCode();
            return State.CONTINUE;
        }

        @Override
        public State onHeadersReceived(HttpHeaders headers) {
            return State.CONTINUE;
        }

        @Override
        public State onBodyPartReceived(HttpResponseBodyPart bodyPart) {
            count += bodyPart.length();
            return State.CONTINUE;
        }

        @Override
        public void onThrowable(Throwable t) {
            if (!reported) {
                reported = true;
                done.complete(-1, t);
            }
        }

        @Override
        public Long onCompleted() {
            if (!reported) {
                reported = true;
                done.complete(status == 200 ? count : -1, status == 200 ? null : new IllegalStateException("status " + status));
            }
            return count;
        }
    }

    /** A streamed request body of {@code total} bytes, copied from one shared chunk into the buffers AHC gives. */
    private static final class RepeatingBody implements Body {
        private final ByteBuffer chunk;
        private final long total;
        private long remaining;

        RepeatingBody(ByteBuffer chunk, long total) {
            this.chunk = chunk;
            this.total = total;
            this.remaining = total;
        }

        @Override
        public long getContentLength() {
            return total;
        }

        @Override
        public BodyState transferTo(ByteBuf target) {
            while (remaining > 0 && target.isWritable()) {
                int n = (int) Math.min(Math.min(target.writableBytes(), chunk.capacity()), remaining);
                target.writeBytes(chunk.duplicate().limit(n));
                remaining -= n;
            }
            return remaining > 0 ? BodyState.CONTINUE : BodyState.STOP;
        }

        @Override
        public void close() {
        }
    }
}
