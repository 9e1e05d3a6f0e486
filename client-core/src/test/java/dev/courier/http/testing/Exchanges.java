package dev.courier.http.testing;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.http.RequestException;
import dev.courier.http.Response;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Bounded, blocking shortcuts for a test's exchanges: read a response, or get the failure of a call or a body. */
public final class Exchanges {
    private Exchanges() {
    }

    /** The text of the body of the response {@code f} completes with, read so that its connection is released. */
    public static String read(CompletableFuture<Response> f) throws Exception {
        return f.get(10, SECONDS).body().text().get(10, SECONDS);
    }

    /**
     * The RequestException that {@code f} (a call, or a body's bytes/text/discard) fails with within 10 s; fails the
     * test if it completes otherwise, after closing the response it completed with, if any.
     */
    public static RequestException failure(CompletableFuture<?> f) {
        return failure(f, Duration.ofSeconds(10));
    }

    /** Like {@link #failure(CompletableFuture)}, waiting up to {@code timeout}. */
    public static RequestException failure(CompletableFuture<?> f, Duration timeout) {
        Throwable thrown = catchThrowable(() -> f.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        if (thrown == null) {
            Object value = f.join();
            if (value instanceof Response r) {
                r.close();
            }
            throw new AssertionError("expected a RequestException; the future completed with " + describe(value));
        }
        assertThat(thrown).isInstanceOf(ExecutionException.class).cause().isInstanceOf(RequestException.class);
        return (RequestException) thrown.getCause();
    }

    private static String describe(Object value) {
        return value instanceof byte[] b ? "a body of " + b.length + " bytes" : String.valueOf(value);
    }
}
