package dev.courier.http.micrometer;

import dev.courier.http.ConnectionListener;
import dev.courier.http.RouteKey;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ConnectionListener} {@link CourierMetrics#instrument} adds to a Transport: counts the connections
 * it opens ({@value CourierMetrics#CONNECTIONS_OPENED}, tag {@code host}) and closes
 * ({@value CourierMetrics#CONNECTIONS_CLOSED}, tags {@code host} and {@code reason}), and has the pool's gauges
 * refreshed when a connection opens (perhaps to a new route). Counters are cached: connections come and go
 * on every request of a workload without keep-alive.
 */
final class ConnectionCounters implements ConnectionListener {
    private final CourierMetrics metrics;
    private final TransportPoolMetrics pool;
    private final ConcurrentHashMap<String, Counter> opened = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Closed, Counter> closed = new ConcurrentHashMap<>();

    /** The tags of one closed counter. */
    private record Closed(String host, CloseReason reason) {
    }

    ConnectionCounters(CourierMetrics metrics, TransportPoolMetrics pool) {
        this.metrics = metrics;
        this.pool = pool;
    }

    @Override
    public void connectionOpened(Connection connection) {
        RouteKey route = connection.route();
        String host = host(route);
        Counter c = opened.get(host);
        if (c == null) {
            c = opened.computeIfAbsent(host, h -> metrics.counter(CourierMetrics.CONNECTIONS_OPENED,
                    "Connections opened: connected, through their proxy and TLS, ready for requests", "host", h));
        }
        c.increment();
        pool.connected(route.scheme() + "://" + host + ":" + route.port());
    }

    @Override
    public void connectionClosed(Connection connection, CloseReason reason, Throwable cause) {
        Closed key = new Closed(host(connection.route()), reason);
        Counter c = closed.get(key);
        if (c == null) {
            c = closed.computeIfAbsent(key, k -> metrics.counter(CourierMetrics.CONNECTIONS_CLOSED,
                    "Connections closed, by the reason for the close", "host", k.host(), "reason", k.reason().name()));
        }
        c.increment();
    }

    /** The host as the request's URI writes it (IPv6 literals in brackets), as the other meters' host tag. */
    private static String host(RouteKey route) {
        return route.host().indexOf(':') >= 0 ? "[" + route.host() + "]" : route.host();
    }

    @Override
    public String toString() {
        return "CourierMetrics connection counters";
    }
}
