package dev.courier.bench.compare.clients;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.RepeatingPublisher;
import dev.courier.bench.compare.Workload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * The JDK's {@link HttpClient} on HTTP/1.1 (its pool has no upper bound), bodies counted by a streaming
 * subscriber. {@code Connection: close} is a restricted header there, so this adapter allows it.
 */
public final class JdkAdapter implements ClientAdapter {
    private HttpClient client;
    private HttpRequest request;
    private final HttpResponse.BodyHandler<Long> counting =
            info -> HttpResponse.BodySubscribers.fromSubscriber(new Counter(), Counter::count);

    @Override
    public String version() {
        return "java.net.http " + System.getProperty("java.version");
    }

    @Override
    public void open(URI base, Workload workload) {
        if (!workload.keepAlive()) {
            // Read once, when the client's implementation classes load: before the first client is built.
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
        }
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(workload.path()));
        if (workload.streamedUpload()) {
            RepeatingPublisher body = new RepeatingPublisher(RepeatingPublisher.chunk(Workload.UPLOAD_CHUNK), workload.requestBodySize());
            b.POST(HttpRequest.BodyPublishers.fromPublisher(body, workload.requestBodySize()));
        } else if (workload.requestBodySize() > 0) {
            b.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) workload.requestBodySize()]));
        }
        if (!workload.keepAlive()) {
            b.header("Connection", "close");
        }
        request = b.build();
    }

    @Override
    public void send(Completion done) {
        client.sendAsync(request, counting).whenComplete((response, error) -> {
            if (error != null) {
                done.complete(-1, error);
            } else if (response.statusCode() != 200) {
                done.complete(-1, new IllegalStateException("status " + response.statusCode()));
            } else {
                done.complete(response.body(), null);
            }
        });
    }

    @Override
    public void close() {
        // HttpClient is AutoCloseable from Java 21 on; on 17 its threads end with the JVM.
        if (client instanceof AutoCloseable) {
            try {
                ((AutoCloseable) client).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Counts and drops a response body's bytes. */
    private static final class Counter implements Flow.Subscriber<List<ByteBuffer>> {
        private long count;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            for (ByteBuffer b : item) {
                count += b.remaining();
            }
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }

        long count() {
            return count;
        }
    }
}
