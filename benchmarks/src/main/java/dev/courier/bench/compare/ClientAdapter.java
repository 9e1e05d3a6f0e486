package dev.courier.bench.compare;

import java.net.URI;

/**
 * One HTTP client under comparison, configured fairly for a {@link Workload}: a pool of at least the
 * workload's concurrency, keep-alive unless the workload turns it off (then each request says
 * {@code Connection: close}), no redirects, no compression, and each response body read to its end and
 * dropped (counted, not kept) through the client's own streaming API.
 *
 * <p>Implementations need a public no-argument constructor: {@link Driver} loads the one it runs by
 * name, so that no other client's classes are loaded (each runs on its own classpath).
 */
public interface ClientAdapter extends AutoCloseable {

    /** The library's name and version as people know them, such as "reactor-netty-http 1.3.7 (netty 4.2.17.Final)". */
    String version();

    /** Builds the client for {@code workload} against the server at {@code base} (scheme, host, port). */
    void open(URI base, Workload workload) throws Exception;

    /**
     * Starts one request of the workload without blocking and calls {@code done} once when it ended; may be
     * called from {@code done} itself, on the client's own threads, as async code chains requests.
     */
    void send(Completion done);

    /** Releases the client's connections and threads. */
    @Override
    void close() throws Exception;
}
