package dev.courier.bench.compare.clients;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.RepeatingPublisher;
import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import java.net.URI;
import java.nio.ByteBuffer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.DuplexConnectionPool;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;

/**
 * Jetty's {@link HttpClient} (HTTP/1.1 transport, its default thread pool) with at least the workload's
 * concurrency as connections per destination, redirects off, bodies counted by a content listener.
 */
public final class JettyAdapter implements ClientAdapter {
    private HttpClient client;
    private URI uri;
    private Workload workload;
    private byte[] smallBody;
    private ByteBuffer chunk;

    @Override
    public String version() {
        return "jetty-client " + Versions.of("org.eclipse.jetty", "jetty-client");
    }

    @Override
    public void open(URI base, Workload workload) throws Exception {
        this.workload = workload;
        this.uri = base.resolve(workload.path());
        int pool = Math.max(64, workload.concurrency());
        client = new HttpClient();
        client.setMaxConnectionsPerDestination(pool);
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, 2 * pool));
        client.setFollowRedirects(false);
        if (workload.idleMemory()) {
            client.setConnectTimeout(Workload.IDLE_CONNECT_TIMEOUT.toMillis()); // see there (Jetty's default: 15 s)
            // Jetty opens a new connection only while it has fewer pending than queued requests, and then
            // reuses the first to finish: it held about 7,000 of the 10,000 asked for. This makes it open
            // one per request, as every other client does unasked.
            client.getTransport().setConnectionPoolFactory(destination -> {
                DuplexConnectionPool connections = new DuplexConnectionPool(destination, pool);
                connections.setMaximizeConnections(true);
                return connections;
            });
        }
        client.start();
        client.getContentDecoderFactories().clear(); // no Accept-Encoding: the others do not ask for gzip either
        if (workload.streamedUpload()) {
            chunk = RepeatingPublisher.chunk(Workload.UPLOAD_CHUNK);
        } else if (workload.requestBodySize() > 0) {
            smallBody = new byte[(int) workload.requestBodySize()];
        }
    }

    @Override
    public void send(Completion done) {
        Request request = client.newRequest(uri).method(workload.method());
        if (!workload.keepAlive()) {
            request.headers(h -> h.put(HttpHeader.CONNECTION, "close"));
        }
        if (chunk != null) {
            request.body(new RepeatingContent(chunk, workload.requestBodySize()));
        } else if (smallBody != null) {
            request.body(new BytesRequestContent(smallBody));
        }
        Counter counter = new Counter(done);
        request.send(counter); // Jetty registers the listener for every callback it implements
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }

    /** Counts and drops a response body, then reports once. */
    private static final class Counter implements Response.ContentListener, Response.CompleteListener {
        private final Completion done;
        private long count;

        Counter(Completion done) {
            this.done = done;
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            count += content.remaining();
        }

        @Override
        public void onComplete(Result result) {
            if (result.isFailed()) {
                done.complete(-1, result.getFailure());
            } else if (result.getResponse().getStatus() != 200) {
                done.complete(-1, new IllegalStateException("status " + result.getResponse().getStatus()));
            } else {
                done.complete(count, null);
            }
        }
    }

    /** A streamed request body of {@code total} bytes read as duplicates of one shared chunk; never waits for data. */
    private static final class RepeatingContent implements Request.Content {
        private final ByteBuffer chunk;
        private final long total;
        private long remaining;
        private Throwable failure;

        RepeatingContent(ByteBuffer chunk, long total) {
            this.chunk = chunk;
            this.total = total;
            this.remaining = total;
        }

        @Override
        public String getContentType() {
            return "application/octet-stream";
        }

        @Override
        public long getLength() {
            return total;
        }

        @Override
        public Content.Chunk read() {
            if (failure != null) {
                return Content.Chunk.from(failure);
            }
            if (remaining == 0) {
                return Content.Chunk.EOF;
            }
            int n = (int) Math.min(chunk.capacity(), remaining);
            remaining -= n;
            return Content.Chunk.from(chunk.duplicate().limit(n), remaining == 0);
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run(); // data is always available
        }

        @Override
        public void fail(Throwable cause) {
            failure = cause;
        }
    }
}
