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
     * @param streams requests in flight on the route's connections: the same as {@code active} over
     *                HTTP/1.1; over HTTP/2 one connection carries many
     */
    public record RouteStats(int idle, int active, int pending, int total, int streams) {
        /**
         * Counts of an HTTP/1.1 route, where each active connection carries one request.
         *
         * @param idle connections open and unused
         * @param active connections carrying a request (and the requests in flight)
         * @param pending requests waiting for a connection
         * @param total open connections plus dials in progress
         */
        public RouteStats(int idle, int active, int pending, int total) {
            this(idle, active, pending, total, active);
        }

        @Override
        public String toString() {
            return active + " active" + (streams != active ? " (" + streams + " streams)" : "") + ", " + idle
                    + " idle, " + pending + " pending, " + total + " total";
        }
    }

    /** {@return the sum of active connections over all routes} */
    public int active() {
        return routes.values().stream().mapToInt(RouteStats::active).sum();
    }

    /** {@return the sum of idle connections over all routes} */
    public int idle() {
        return routes.values().stream().mapToInt(RouteStats::idle).sum();
    }

    /** {@return the sum of requests in flight over all routes (HTTP/2 streams count one each)} */
    public int streams() {
        return routes.values().stream().mapToInt(RouteStats::streams).sum();
    }

    /** {@return the sum of waiting requests over all routes} */
    public int pending() {
        return routes.values().stream().mapToInt(RouteStats::pending).sum();
    }

    /** {@return the sum of open connections and dials over all routes} */
    public int total() {
        return routes.values().stream().mapToInt(RouteStats::total).sum();
    }
}
