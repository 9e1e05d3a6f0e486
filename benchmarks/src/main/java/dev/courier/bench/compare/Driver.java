package dev.courier.bench.compare;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Runs one workload through one client in this JVM and prints one machine-readable {@code RESULT} line
 * per measured window: requests/s, client CPU and bytes allocated per request, latency percentiles, and
 * the JIT and GC time spent inside the window (JIT time near zero shows the warm-up was long enough).
 *
 * <pre>
 * java -cp ... dev.courier.bench.compare.Driver --client courier --workload get1k-c16 \
 *     --url http://127.0.0.1:8080 [--server netty] [--warmup 20] [--warmup-min 8] [--warmup-quiet-ms 50] \
 *     [--warmup-quiet-s 3] [--measure 8] [--windows 3] \
 *     [--server-status http://127.0.0.1:8080/status] [--server-pids 123,124] [--histogram 20]
 * </pre>
 *
 * <p>With {@code --server-status} (nginx's stub_status page, or BenchServer's {@code /status}) each line
 * also carries the requests the server counted in the window, a check on the client's count; with
 * {@code --server-pids} the server's CPU per request and the CPU the rest of the machine used
 * ({@code other_cores}: well above 0, the window shared the cores with other work), and {@code probe_conns}:
 * the connections the status readings opened so far, which the runner takes from the server's count of
 * accepted connections to report the client's own ({@code conns_opened}). The {@code idle10k}
 * workload is not a load loop: see {@link IdleMemory}; {@code --histogram N} prints its N classes whose
 * heap grew most per connection. The warm-up is {@link Warmup}'s: fixed ({@code --warmup S}) unless
 * {@code --warmup-min} is lower, then it ends once the JIT is quiet.
 *
 * <p>Exit status 0 when every window completed requests without error, 1 otherwise, 2 on bad arguments.
 */
public final class Driver {
    /** Client name to adapter class, loaded by name so that other clients' libraries need not be present. */
    private static final Map<String, String> ADAPTERS = new LinkedHashMap<>();

    static {
        ADAPTERS.put("courier", "dev.courier.bench.compare.clients.CourierAdapter");
        ADAPTERS.put("jdk", "dev.courier.bench.compare.clients.JdkAdapter");
        ADAPTERS.put("reactor", "dev.courier.bench.compare.clients.ReactorNettyAdapter");
        ADAPTERS.put("ahc", "dev.courier.bench.compare.clients.AsyncHttpClientAdapter");
        ADAPTERS.put("apache", "dev.courier.bench.compare.clients.ApacheAdapter");
        ADAPTERS.put("jetty", "dev.courier.bench.compare.clients.JettyAdapter");
        // Spring WebClient over each connector (run-webclient.sh), from benchmarks.jar alone.
        ADAPTERS.put("webclient-courier", "dev.courier.bench.compare.clients.WebClientCourierAdapter");
        ADAPTERS.put("webclient-reactor", "dev.courier.bench.compare.clients.WebClientReactorAdapter");
    }

    private Driver() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage("not an option: " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !opts.containsKey("client") || !opts.containsKey("workload") || !opts.containsKey("url")) {
            usage("--client, --workload and --url are required");
        }
        String clientName = opts.get("client");
        String adapterClass = ADAPTERS.get(clientName);
        if (adapterClass == null) {
            usage("unknown client " + clientName + "; known: " + String.join(", ", ADAPTERS.keySet()));
        }
        Workload workload = Workload.byId(opts.get("workload"));
        Warmup warmup = Warmup.fromOptions(opts, "20");
        double measure = Double.parseDouble(opts.getOrDefault("measure", "8"));
        int windows = Integer.parseInt(opts.getOrDefault("windows", "3"));
        String server = opts.getOrDefault("server", "?");
        ServerProbe probe = new ServerProbe(opts.get("server-status"), opts.get("server-pids"));

        ClientAdapter client = (ClientAdapter) Class.forName(adapterClass).getDeclaredConstructor().newInstance();
        client.open(URI.create(opts.get("url")), workload);
        if (workload.idleMemory()) {
            Map<String, Object> line;
            try {
                line = IdleMemory.run(client, clientName, workload, server, Integer.parseInt(opts.getOrDefault("histogram", "0")));
            } finally {
                client.close();
            }
            System.out.println(format(line));
            System.exit((Long) line.get("errors") == 0 && (Long) line.get("connections") > 0 ? 0 : 1);
        }
        LoadLoop loop = new LoadLoop(client, workload.concurrency(), workload.responseBodySize());
        probe.read(); // loads its classes now, not between a window's readings
        boolean clean = true;
        try {
            loop.start();
            warmup.run(() -> exerciseMeasurement(loop, probe));
            // A short (smoke) warm-up on a busy machine may end before the first response: wait a while
            // longer, and if nothing completes, show where every thread is.
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (loop.completed() == 0 && loop.firstError() == null && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
            if (loop.completed() == 0) {
                Thread.getAllStackTraces().forEach((t, stack) -> {
                    System.err.println("\"" + t.getName() + "\" " + t.getState());
                    for (StackTraceElement e : stack) {
                        System.err.println("\tat " + e);
                    }
                });
                throw new IllegalStateException("no request completed during the warm-up and 30 s after it", loop.firstError());
            }
            for (int w = 1; w <= windows; w++) {
                ServerProbe.Reading serverBegin = probe.read();
                loop.latencies(); // drop what came before the window
                Snapshot begin = Snapshot.take(loop);
                sleep(measure);
                Snapshot end = Snapshot.take(loop);
                Histogram latencies = loop.latencies();
                ServerProbe.Reading serverEnd = probe.read();
                Map<String, Object> line = result(clientName, client.version(), workload, server, w, begin, end, latencies);
                ServerProbe.addTo(line, serverBegin, serverEnd, (end.nanos - begin.nanos) / 1e9,
                        (Double) line.get("cpu_cores"), (Long) line.get("requests"));
                line.put("probe_conns", probe.connections()); // so far: the runner subtracts them from the server's
                warmup.addTo(line);
                clean &= (Long) line.get("errors") == 0 && (Long) line.get("requests") > 0;
                System.out.println(format(line));
                System.out.flush();
            }
        } finally {
            if (!loop.stop(30_000)) {
                System.err.println("some requests were still in flight 30 s after the end");
                clean = false;
            }
            client.close();
        }
        if (loop.firstError() != null) {
            System.err.println(loop.errors() + " requests failed; the first failure:");
            loop.firstError().printStackTrace();
        }
        System.exit(clean ? 0 : 1);
    }

    /** What a window runs around the client, run during the warm-up so that its code is compiled by then. */
    static void exerciseMeasurement(LoadLoop loop, ServerProbe probe) {
        Snapshot a = Snapshot.take(loop);
        Histogram h = loop.latencies();
        Snapshot b = Snapshot.take(loop);
        b.allocatedSince(a);
        h.getValueAtPercentile(50);
        h.getValueAtPercentile(99);
        h.getValueAtPercentile(99.9);
        h.getMaxValue();
        if (probe != null) {
            probe.read();
        }
    }

    static Map<String, Object> result(String client, String version, Workload workload, String server, int window,
                                      Snapshot begin, Snapshot end, Histogram latencies) {
        long requests = end.completed - begin.completed;
        double seconds = (end.nanos - begin.nanos) / 1e9;
        double perRequest = Math.max(1, requests);
        long bytesMoved = (end.bodyBytes - begin.bodyBytes) + requests * workload.requestBodySize();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client", client);
        m.put("version", version.replace(' ', '_'));
        m.put("workload", workload.id());
        m.put("server", server);
        m.put("window", window);
        m.put("seconds", seconds);
        m.put("requests", requests);
        m.put("errors", end.errors - begin.errors);
        m.put("rps", requests / seconds);
        m.put("mib_s", bytesMoved / seconds / (1 << 20));
        m.put("cpu_us_per_req", (end.cpuNanos - begin.cpuNanos) / 1e3 / perRequest);
        m.put("cpu_cores", (end.cpuNanos - begin.cpuNanos) / 1e9 / seconds);
        m.put("alloc_b_per_req", end.allocatedSince(begin) / perRequest);
        m.put("p50_us", latencies.getValueAtPercentile(50) / 1e3);
        m.put("p99_us", latencies.getValueAtPercentile(99) / 1e3);
        m.put("p999_us", latencies.getValueAtPercentile(99.9) / 1e3);
        m.put("max_us", latencies.getMaxValue() / 1e3);
        m.put("jit_ms", end.jitMillis - begin.jitMillis);
        m.put("gc_count", end.gcCount - begin.gcCount);
        m.put("gc_ms", end.gcMillis - begin.gcMillis);
        return m;
    }

    /** {@code RESULT key=value ...}: values carry no spaces, decimals use a dot. */
    static String format(Map<String, Object> line) {
        StringBuilder sb = new StringBuilder("RESULT");
        for (Map.Entry<String, Object> e : line.entrySet()) {
            Object v = e.getValue();
            sb.append(' ').append(e.getKey()).append('=')
                    .append(v instanceof Double ? String.format(Locale.ROOT, "%.3f", (Double) v) : v);
        }
        return sb.toString();
    }

    /** Waits out a warm-up or measurement window: a span of time, not an event to wait for. */
    static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: Driver --client " + String.join("|", ADAPTERS.keySet())
                + " --workload ID --url http://HOST:PORT [--server NAME] [--warmup MAX_S] [--warmup-min S] [--warmup-quiet-ms MS]"
                + " [--warmup-quiet-s S] [--measure S] [--windows N]"
                + " [--server-status URL] [--server-pids P,Q] [--histogram N]");
        System.exit(2);
    }
}
