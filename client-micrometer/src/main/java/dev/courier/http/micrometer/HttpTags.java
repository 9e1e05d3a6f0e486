package dev.courier.http.micrometer;

import dev.courier.http.Protocol;
import dev.courier.http.Request;
import dev.courier.http.Response;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * The tag values of Micrometer's HTTP client conventions ({@code OkHttpMetricsEventListener}, Spring's
 * {@code DefaultClientRequestObservationConvention}), shared by the timers and the observation convention.
 */
final class HttpTags {
    /** Micrometer's value for a tag that does not apply (no URI template, no exception). */
    static final String NONE = "none";
    /** The status of an exchange that got no response: OkHttp's listener uses the same value. */
    static final String IO_ERROR = "IO_ERROR";

    private static final String[] STATUS = new String[600];

    static {
        for (int i = 100; i < STATUS.length; i++) {
            STATUS[i] = Integer.toString(i);
        }
    }

    private HttpTags() {
    }

    static String status(Response response) {
        if (response == null) {
            return IO_ERROR;
        }
        int s = response.status();
        return s >= 0 && s < STATUS.length && STATUS[s] != null ? STATUS[s] : Integer.toString(s);
    }

    static Outcome outcome(Response response) {
        return response == null ? Outcome.UNKNOWN : Outcome.forStatus(response.status());
    }

    /** "HTTP/1.1" or "h2" (Courier's {@link Protocol} names); "none" without a response. */
    static String protocol(Response response) {
        return response == null ? NONE : response.protocol().toString();
    }

    static String host(Request request) {
        String host = request.uri().getHost();
        return host == null ? NONE : host;
    }

    /**
     * The exception's simple class name (Spring's {@code exception} tag), or "none". Every failure of a
     * round trip is a {@link dev.courier.http.RequestException}, which says little: its cause is named
     * instead when it has one ({@code ConnectException}, {@code TimeoutException}...).
     */
    static String exception(Throwable error) {
        if (error == null) {
            return NONE;
        }
        Throwable e = unwrap(error);
        // Courier's wrappers (RequestException, and internal ones such as a dial's) name their cause.
        while ((e instanceof dev.courier.http.RequestException || e.getClass().getName().startsWith("dev.courier.http.internal."))
                && e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        Class<?> type = publicType(e);
        String name = type.getSimpleName();
        return name.isEmpty() ? type.getName() : name;
    }

    /**
     * The error's class, or for Netty's own subclasses of JDK exceptions (AnnotatedConnectException...)
     * the JDK class they extend: Netty is Courier's implementation, not its API.
     */
    static Class<?> publicType(Throwable error) {
        Class<?> type = error.getClass();
        while (type.getName().startsWith("io.netty.") && type.getSuperclass() != null
                && Throwable.class.isAssignableFrom(type.getSuperclass())) {
            type = type.getSuperclass();
        }
        return type;
    }

    static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    static boolean isCancellation(Throwable error) {
        return unwrap(error) instanceof CancellationException;
    }
}
