package dev.courier.http.micrometer;

import dev.courier.http.RouteKey;
import dev.courier.http.Transport;
import dev.courier.http.TransportStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * A {@link Transport}'s connection pool as gauges, one per route and state, read from
 * {@link Transport#stats()} whenever the registry asks: {@code http.client.connections.active},
 * {@code .idle}, {@code .pending}, {@code .total} and {@code .streams} (the meanings are
 * {@link TransportStats.RouteStats}'), tagged {@code target.scheme}, {@code target.host},
 * {@code target.port} (OkHttp's pool tags) and {@code proxy} (its URI without password, or {@code none}).
 *
 * <p>Routes come and go: the set of gauges is refreshed when bound, by {@link #refresh()}, and by
 * {@link CourierMetrics}' middleware whenever it sees a new connection opened. A route that has gone
 * reads 0 until the next refresh removes it.
 */
public final class TransportPoolMetrics implements MeterBinder {
    private static final String PREFIX = "http.client.connections.";

    private final Transport transport;
    private final Tags tags;
    private final List<Gauge> gauges = new ArrayList<>(5);
    /** Origins a refresh has seen a connection to; guarded by this. */
    private final java.util.Set<String> origins = new java.util.HashSet<>();
    private long lastRefreshNanos;

    /** One gauge name and the count it reads. */
    private record Gauge(MultiGauge meter, ToIntFunction<TransportStats.RouteStats> count) {
    }

    /**
     * Gauges for {@code transport}'s pool; nothing is registered until {@link #bindTo}.
     *
     * @param transport the transport whose {@link Transport#stats()} the gauges read
     * @param tags tags added to every gauge, besides the route's
     */
    public TransportPoolMetrics(Transport transport, Iterable<io.micrometer.core.instrument.Tag> tags) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.tags = Tags.of(tags);
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        add(registry, "active", "Connections carrying at least one request", TransportStats.RouteStats::active);
        add(registry, "idle", "Open connections waiting in the pool for a request", TransportStats.RouteStats::idle);
        add(registry, "pending", "Requests waiting for a connection", TransportStats.RouteStats::pending);
        add(registry, "total", "Open connections plus dials in progress", TransportStats.RouteStats::total);
        add(registry, "streams", "Requests in flight (HTTP/2 streams count one each)", TransportStats.RouteStats::streams);
        refresh();
    }

    private void add(MeterRegistry registry, String name, String description, ToIntFunction<TransportStats.RouteStats> count) {
        MultiGauge meter = MultiGauge.builder(PREFIX + name).description(description).baseUnit("connections").register(registry);
        gauges.add(new Gauge(meter, count));
    }

    /**
     * A connection to {@code origin} (scheme://host:port) was opened: refreshes when the origin is new, or
     * when the last refresh is over a second old (a new proxy route to a known origin), but not for every
     * connection of a workload that opens one per request.
     */
    synchronized void connected(String origin) {
        long now = System.nanoTime();
        if (origins.add(origin) || now - lastRefreshNanos > 1_000_000_000L) {
            refresh();
        }
    }

    /** Registers a gauge row for every route the transport has now, and drops those of routes it no longer has. */
    public synchronized void refresh() {
        if (gauges.isEmpty()) {
            return;
        }
        lastRefreshNanos = System.nanoTime();
        java.util.Set<RouteKey> routes = transport.stats().routes().keySet();
        for (Gauge g : gauges) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>(routes.size());
            for (RouteKey route : routes) {
                rows.add(MultiGauge.Row.of(routeTags(route), route, r -> read(r, g.count())));
            }
            g.meter().register(rows, true);
        }
    }

    private double read(RouteKey route, ToIntFunction<TransportStats.RouteStats> count) {
        TransportStats.RouteStats s = transport.stats().routes().get(route);
        return s == null ? 0 : count.applyAsInt(s);
    }

    private Tags routeTags(RouteKey route) {
        return tags.and("target.scheme", route.scheme(), "target.host", route.host(),
                "target.port", Integer.toString(route.port()),
                "proxy", route.proxy() == null ? HttpTags.NONE : route.proxy().toString());
    }
}
