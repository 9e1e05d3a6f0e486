package dev.courier.http;

import java.util.Map;

/**
 * A snapshot of a Transport's connections, per route: for users' metrics, and for tests that check no
 * connection was left leased.
 *
 * @param routes every route that has or waits for a connection
 */
public record TransportStats(Map<RouteKey, RouteStats> routes) {

    /**
     * Counts for one route.
     *
     * @param idle    connections open and unused, ready for reuse
     * @param active  connections carrying at least one request
     * @param pending requests waiting for a connection: queued at {@code maxConnsPerHost}, or waiting for
     *                a dial in progress (or whichever connection is released first)
     * @param total   open connections plus dials in progress
     */
    public record RouteStats(int idle, int active, int pending, int total) {
        @Override
        public String toString() {
            return active + " active, " + idle + " idle, " + pending + " pending, " + total + " total";
        }
    }

    /** Sum of active connections over all routes. */
    public int active() {
        return routes.values().stream().mapToInt(RouteStats::active).sum();
    }

    /** Sum of idle connections over all routes. */
    public int idle() {
        return routes.values().stream().mapToInt(RouteStats::idle).sum();
    }

    /** Sum of waiting requests over all routes. */
    public int pending() {
        return routes.values().stream().mapToInt(RouteStats::pending).sum();
    }

    /** Sum of open connections and dials over all routes. */
    public int total() {
        return routes.values().stream().mapToInt(RouteStats::total).sum();
    }
}
