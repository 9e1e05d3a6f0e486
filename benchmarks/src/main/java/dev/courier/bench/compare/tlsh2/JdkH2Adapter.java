package dev.courier.bench.compare.tlsh2;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.Workload;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * The JDK's {@link HttpClient} on HTTP/2 (one connection per origin, its own design), bodies counted by a
 * streaming subscriber; a response that came over HTTP/1.1 is an error, so a failed ALPN shows.
 */
public final class JdkH2Adapter implements ClientAdapter {
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
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        request = HttpRequest.newBuilder(base.resolve(workload.path())).build();
    }

    @Override
    public void send(Completion done) {
        client.sendAsync(request, counting).whenComplete((response, error) -> {
            if (error != null) {
                done.complete(-1, error);
            } else if (response.statusCode() != 200) {
                done.complete(-1, new IllegalStateException("status " + response.statusCode()));
            } else if (response.version() != HttpClient.Version.HTTP_2) {
                done.complete(-1, new IllegalStateException("answered over " + response.version()));
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
