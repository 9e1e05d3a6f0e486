package dev.courier.http.micrometer;

import dev.courier.http.Request;
import dev.courier.http.RoundTripper;
import dev.courier.http.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Micrometer metrics for Courier: a {@link RoundTripper} middleware that times every exchange it
 * passes ({@value #REQUESTS}, Micrometer's HTTP client timer), and times and counts what happens on the
 * connections below it (DNS, connect, TLS, reuse, retries); plus, when it wraps a {@link Transport}, the
 * transport's connection pool as gauges per route ({@link TransportPoolMetrics}).
 *
 * <pre>{@code
 * CourierMetrics metrics = CourierMetrics.builder(registry).tags(Tags.of("client.name", "billing")).build();
 * Client client = Client.newBuilder().transport(metrics.instrument(transport)).build();
 * }</pre>
 *
 * A timer stops when the response body ends (read to the end, failed, or closed), not when the head
 * arrives: the time a caller spends reading a large body is part of the exchange. Each hop is timed on
 * its own: below a {@link dev.courier.http.Client} that follows a redirect, the redirect and the request
 * it leads to are two timings, as they are two exchanges on the wire.
 *
 * <p>Tags of {@value #REQUESTS}: {@code method}, {@code uri} (the request's {@link UriTemplate} attribute,
 * or what {@link Builder#uriMapper} returns; {@code none} by default), {@code status} (the code, or
 * {@code IO_ERROR} when no response came), {@code outcome} (Micrometer's {@code Outcome}: SUCCESS,
 * CLIENT_ERROR, SERVER_ERROR, REDIRECTION, INFORMATIONAL, UNKNOWN), {@code host}, {@code protocol}
 * ({@code HTTP/1.1}, {@code h2}, or {@code none}), {@code exception} (the failure's simple class name,
 * also when the body failed or was closed before its end; {@code none} otherwise), and the common tags.
 */
public final class CourierMetrics {
    /** Timer of every exchange, head to the end of the body. */
    public static final String REQUESTS = "http.client.requests";
    /** Timer of name resolutions (tags host, exception). */
    public static final String DNS = "http.client.dns";
    /** Timer of TCP connects, one per address tried (tags host, exception). */
    public static final String CONNECT = "http.client.connect";
    /** Timer of TLS handshakes (tags host, tls.protocol, exception). */
    public static final String TLS_HANDSHAKE = "http.client.tls.handshake";
    /**
     * Counter of connections opened (tag host): below a {@link Transport}, connections ready for requests (connected,
     * through their proxy and TLS), as {@link dev.courier.http.ConnectionListener} sees them, so that opened minus
     * {@value #CONNECTIONS_CLOSED} is the number open; below another round tripper, TCP connects that succeeded.
     */
    public static final String CONNECTIONS_OPENED = "http.client.connections.opened";
    /**
     * Counter of connections closed (tags host, reason: a {@link dev.courier.http.ConnectionListener.CloseReason}
     * such as {@code IDLE_TIMEOUT}, {@code SERVER_CLOSED}, {@code CONNECTION_CLOSE}, {@code ERROR}); only below a
     * {@link Transport}, whose connection events the middleware listens to.
     */
    public static final String CONNECTIONS_CLOSED = "http.client.connections.closed";
    /** Counter of exchanges that got a pooled connection that had served before (tag host). */
    public static final String CONNECTIONS_REUSED = "http.client.connections.reused";
    /** Counter of requests the Transport sent again after a reused connection failed (tags host, exception). */
    public static final String RETRIES = "http.client.retries";

    private final MeterRegistry registry;
    private final Tags tags;
    private final Function<Request, String> uriMapper;
    private final boolean connectionMetrics;
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> reused = new ConcurrentHashMap<>();

    private CourierMetrics(Builder b) {
        this.registry = b.registry;
        this.tags = b.tags;
        this.uriMapper = b.uriMapper;
        this.connectionMetrics = b.connectionMetrics;
    }

    /**
     * Starts the metrics for {@code registry}.
     *
     * @param registry where the timers, counters and gauges are registered
     * @return a builder with the defaults: no extra tags, {@code uri} from the {@link UriTemplate} attribute,
     *     connection metrics on
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * {@code next} with every exchange through it measured. When {@code next} is a {@link Transport}, its
     * pool is also reported, by a {@link TransportPoolMetrics} bound to this registry, and (with connection
     * metrics on) its connections are counted as they open and close, by a listener added to it: instrument
     * a Transport once, or its connections are counted once per call.
     *
     * @param next the round tripper to measure: a Transport, or middleware around one
     * @return a round tripper that sends through {@code next} and times each exchange; give it to
     *     {@code Client.Builder.transport}
     */
    public RoundTripper instrument(RoundTripper next) {
        Objects.requireNonNull(next, "next");
        TransportPoolMetrics pool = null;
        boolean listened = false;
        if (next instanceof Transport) {
            pool = new TransportPoolMetrics((Transport) next, tags);
            pool.bindTo(registry);
            if (connectionMetrics) {
                ((Transport) next).addConnectionListener(new ConnectionCounters(this, pool));
                listened = true;
            }
        }
        return new MeteredRoundTripper(next, this, listened ? null : pool, !listened);
    }

    MeterRegistry registry() {
        return registry;
    }

    boolean connectionMetrics() {
        return connectionMetrics;
    }

    long now() {
        return registry.config().clock().monotonicTime();
    }

    String uri(Request request) {
        String uri = uriMapper.apply(request);
        return uri == null ? HttpTags.NONE : uri;
    }

    /** Records one exchange; the timer for its tags is looked up in a map, built only the first time. */
    void recordRequest(TimerKey key, dev.courier.http.Response response, long nanos) {
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder(REQUESTS)
                    .description("HTTP exchanges of the Courier client, from sending the request to the end of the response body")
                    .tags(tags)
                    .tag("method", k.method())
                    .tag("uri", k.uri())
                    .tag("status", k.status())
                    .tag("outcome", HttpTags.outcome(response).name())
                    .tag("host", k.host())
                    .tag("protocol", k.protocol())
                    .tag("exception", k.exception())
                    .register(registry));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    void recordTimer(String name, long nanos, Tag... extra) {
        Timer.builder(name).tags(tags).tags(java.util.Arrays.asList(extra)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void count(String name, Tag... extra) {
        Counter.builder(name).tags(tags).tags(java.util.Arrays.asList(extra)).register(registry).increment();
    }

    /** A counter named {@code name} with the common tags and {@code tags} (name, value pairs). */
    Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(this.tags).tags(tags).register(registry);
    }

    /** Reuse happens on most exchanges: its counters are cached per host. */
    void countReused(String host) {
        Counter c = reused.get(host);
        if (c == null) {
            c = reused.computeIfAbsent(host, h -> Counter.builder(CONNECTIONS_REUSED).tags(tags).tag("host", h).register(registry));
        }
        c.increment();
    }

    /** The tags that identify one {@value #REQUESTS} timer (outcome follows from status). */
    record TimerKey(String method, String uri, String status, String host, String protocol, String exception) {
    }

    /** Builds {@link CourierMetrics}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Tags tags = Tags.empty();
        private Function<Request, String> uriMapper = Builder::uriTemplate;
        private boolean connectionMetrics = true;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Tags added to every meter (e.g. {@code client.name}).
         *
         * @param tags the tags, added to those given before
         * @return this builder
         */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = this.tags.and(Objects.requireNonNull(tags, "tags"));
            return this;
        }

        /**
         * The {@code uri} tag of a request; by default its {@link UriTemplate} attribute, else {@code none}.
         * Return a template, never a raw path: each value makes a timer.
         *
         * @param mapper called on the event loop for each request (it must not block); it returns the tag value
         * @return this builder
         */
        public Builder uriMapper(Function<Request, String> mapper) {
            this.uriMapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Whether to attach a trace to each request for the DNS, connect, TLS, reuse and retry meters
         * (default true). Off, only {@value #REQUESTS} and the pool gauges remain, and the request is passed
         * down as it came.
         *
         * @param enabled whether to record the connection meters
         * @return this builder
         */
        public Builder connectionMetrics(boolean enabled) {
            this.connectionMetrics = enabled;
            return this;
        }

        /** {@return the metrics, ready to {@link CourierMetrics#instrument instrument} round trippers} */
        public CourierMetrics build() {
            return new CourierMetrics(this);
        }

        private static String uriTemplate(Request request) {
            UriTemplate t = request.attribute(UriTemplate.class);
            return t == null ? HttpTags.NONE : t.value();
        }
    }
}
