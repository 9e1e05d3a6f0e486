package dev.courier.bench.compare;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Turns the {@code RESULT} lines of a comparison run into {@code RESULTS.md}: the machine and versions,
 * then per server and workload a table of each client's medians with Courier's ratio to each peer; it
 * also writes the data files and the gnuplot script for the chart of requests/s and CPU per request.
 *
 * <pre>
 * java -cp benchmarks.jar dev.courier.bench.compare.ResultsReport --results results.txt --meta meta.properties \
 *     --out benchmarks/RESULTS.md --chart-dir DIR --chart-png benchmarks/results-chart
 * </pre>
 */
public final class ResultsReport {
    /** Clients in the order the tables list them; any other client follows. */
    private static final List<String> CLIENT_ORDER = List.of("courier", "jdk", "reactor", "ahc", "apache", "jetty", "go", "wrk");
    private static final Map<String, String> CLIENT_NAMES = Map.of(
            "courier", "Courier", "jdk", "JDK HttpClient", "reactor", "Reactor Netty", "ahc", "AsyncHttpClient",
            "apache", "Apache HttpClient 5", "jetty", "Jetty HttpClient", "go", "Go net/http", "wrk", "wrk");

    private ResultsReport() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        List<String> lines = Files.readAllLines(Path.of(opts.get("results")), StandardCharsets.UTF_8);
        List<Map<String, String>> rows = parse(lines);
        List<Map<String, String>> histogram = parse(lines, "HISTO ");
        Properties meta = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(opts.get("meta")), StandardCharsets.UTF_8)) {
            meta.load(r);
        }
        Path chartDir = Path.of(opts.get("chart-dir"));
        String chartPng = opts.get("chart-png");
        Files.createDirectories(chartDir);
        Map<String, Map<String, Map<String, Summary>>> byServer = summarize(rows);
        StringBuilder gp = new StringBuilder();
        List<String> charts = writeChartInputs(byServer, chartDir, chartPng, meta.getProperty("label", ""), gp);
        // The TLS and HTTP/2 workloads (run-tls-h2.sh's RESULT lines and meta), when that part ran.
        List<String> tlsLines = List.of();
        Properties tlsMeta = new Properties();
        String tlsChart = null;
        Path tlsResults = opts.containsKey("tls-results") ? Path.of(opts.get("tls-results")) : null;
        if (tlsResults != null && Files.exists(tlsResults)) {
            tlsLines = Files.readAllLines(tlsResults, StandardCharsets.UTF_8);
            if (opts.containsKey("tls-meta") && Files.exists(Path.of(opts.get("tls-meta")))) {
                try (Reader r = Files.newBufferedReader(Path.of(opts.get("tls-meta")), StandardCharsets.UTF_8)) {
                    tlsMeta.load(r);
                }
            }
            tlsChart = TlsH2Report.writeChart(tlsLines, chartDir, chartPng + "-tls-h2.png", meta.getProperty("label", ""), gp);
        }
        Files.writeString(chartDir.resolve("chart.gp"), gp.toString());
        Path outDir = Path.of(opts.get("out")).toAbsolutePath().getParent();
        StringBuilder md = new StringBuilder(markdown(meta, byServer, charts, outDir, histogram));
        if (!tlsLines.isEmpty()) {
            md.append(tlsSection(tlsMeta, tlsLines, tlsChart == null ? null : relative(outDir, tlsChart)));
        }
        Files.writeString(Path.of(opts.get("out")), md.toString(), StandardCharsets.UTF_8);
    }

    /** The TLS and HTTP/2 part of RESULTS.md: its own settings, the chart and {@link TlsH2Report#body}. */
    private static String tlsSection(Properties tlsMeta, List<String> tlsLines, String chart) {
        StringBuilder md = new StringBuilder("## TLS and HTTP/2 (nginx)\n\n");
        md.append("Run by `benchmarks/run-tls-h2.sh` inside the same command (see `benchmarks/TLS-H2.md`): one nginx with a port "
                + "per kind of TLS workload, a fresh test CA, Courier on both TLS engines.\n\n| | |\n|---|---|\n");
        for (String key : List.of("load", "h2load", "openssl", "nginx", "certificate", "warmup", "measure", "windows", "runs",
                "workloads")) {
            String v = tlsMeta.getProperty(key);
            if (v != null && !v.isBlank()) {
                md.append("| ").append(key).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
            }
        }
        md.append('\n');
        if (chart != null) {
            md.append("![TLS and HTTP/2: requests/s, CPU per request, connections opened](").append(chart).append(")\n\n");
        }
        return md.append(TlsH2Report.body(tlsLines, "###")).toString();
    }

    private static String relative(Path outDir, String png) {
        Path p = Path.of(png);
        return outDir != null && p.isAbsolute() ? outDir.relativize(p.toAbsolutePath()).toString() : p.getFileName().toString();
    }

    /** The key=value fields of each {@code RESULT} line; other lines are ignored. */
    static List<Map<String, String>> parse(List<String> lines) {
        return parse(lines, "RESULT ");
    }

    /**
     * The key=value fields of each line starting with {@code prefix}. RESULT lines that carry the server's
     * count get {@code server_counted}: the server's rate of requests over the client's (rates, since the
     * server's two readings bracket the client's window a few milliseconds wider).
     */
    static List<Map<String, String>> parse(List<String> lines, String prefix) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith(prefix)) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (String field : line.substring(prefix.length()).trim().split("\\s+")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    row.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            double served = Summary.parse(row.get("server_requests"));
            double serverSeconds = Summary.parse(row.get("server_seconds"));
            double completed = Summary.parse(row.get("requests"));
            double seconds = Summary.parse(row.get("seconds"));
            if (served >= 0 && serverSeconds > 0 && completed > 0 && seconds > 0) {
                row.put("server_counted", Double.toString(served / serverSeconds / (completed / seconds)));
            }
            rows.add(row);
        }
        return rows;
    }

    /** server → workload → client → the medians over all its windows (of all runs). */
    static Map<String, Map<String, Map<String, Summary>>> summarize(List<Map<String, String>> rows) {
        Map<String, Map<String, Map<String, List<Map<String, String>>>>> grouped = new LinkedHashMap<>();
        for (Map<String, String> row : rows) {
            grouped.computeIfAbsent(row.getOrDefault("server", "?"), k -> new LinkedHashMap<>())
                    .computeIfAbsent(row.getOrDefault("workload", "?"), k -> new LinkedHashMap<>())
                    .computeIfAbsent(row.getOrDefault("client", "?"), k -> new ArrayList<>())
                    .add(row);
        }
        Map<String, Map<String, Map<String, Summary>>> out = new LinkedHashMap<>();
        grouped.forEach((server, workloads) -> {
            Map<String, Map<String, Summary>> ws = new LinkedHashMap<>();
            for (String workload : orderedWorkloads(workloads.keySet())) {
                Map<String, Summary> clients = new LinkedHashMap<>();
                for (String client : orderedClients(workloads.get(workload).keySet())) {
                    clients.put(client, new Summary(workloads.get(workload).get(client)));
                }
                ws.put(workload, clients);
            }
            out.put(server, ws);
        });
        return out;
    }

    private static List<String> orderedWorkloads(Set<String> present) {
        List<String> ordered = new ArrayList<>();
        for (Workload w : Workload.values()) {
            if (present.contains(w.id())) {
                ordered.add(w.id());
            }
        }
        for (String w : present) {
            if (!ordered.contains(w)) {
                ordered.add(w);
            }
        }
        return ordered;
    }

    private static List<String> orderedClients(Set<String> present) {
        Set<String> ordered = new LinkedHashSet<>();
        for (String c : CLIENT_ORDER) {
            if (present.contains(c)) {
                ordered.add(c);
            }
        }
        ordered.addAll(present);
        return new ArrayList<>(ordered);
    }

    /**
     * One panel of a chart: a title, a data file of workloads (rows) by clients (columns), the y scale and
     * its range (gnuplot's syntax; "[0.5:*]" on a log scale lets a value of 1, one connection, show).
     */
    record Panel(String title, Path dat, int columns, boolean logscale, String yrange) {
        Panel withYrange(String range) {
            return new Panel(title, dat, columns, logscale, range);
        }
    }

    /**
     * Writes a data file: a header of client names, then a row per workload with each client's value
     * ("?" where it has none, which gnuplot skips).
     */
    static Panel panel(String title, Path dat, List<String> workloads, List<String> clients, Map<String, String> names,
                       java.util.function.BiFunction<String, String, Double> value, boolean logscale) throws IOException {
        StringBuilder sb = new StringBuilder("workload");
        for (String c : clients) {
            sb.append('\t').append(names.getOrDefault(c, c));
        }
        sb.append('\n');
        for (String w : workloads) {
            sb.append(w);
            for (String c : clients) {
                Double v = value.apply(w, c);
                sb.append('\t').append(v == null || Double.isNaN(v) || v <= 0 ? "?" : String.format(Locale.ROOT, "%.3f", v));
            }
            sb.append('\n');
        }
        Files.writeString(dat, sb.toString());
        return new Panel(title, dat, clients.size() + 1, logscale, logscale ? "[*:*]" : "[0:*]");
    }

    /** The gnuplot commands that draw {@code panels} one above the other into {@code png}. */
    static String chartScript(String png, String title, List<Panel> panels) {
        StringBuilder gp = new StringBuilder();
        gp.append("set terminal pngcairo noenhanced size 1400,").append(500 * panels.size()).append(" font 'sans,10'\n")
                .append("set output '").append(png).append("'\n")
                .append("set datafile missing '?'\nset datafile separator '\\t'\n")
                .append("set style data histograms\nset style histogram clustered gap 1\n")
                .append("set style fill solid 0.85 border -1\nset boxwidth 0.9\n")
                .append("set grid ytics\nset key outside right top vertical\nset xtics rotate by -30\n")
                // more clients than gnuplot's 8 default colours (the TLS chart has 11)
                .append("set linetype 9 lc rgb '#8c564b'\nset linetype 10 lc rgb '#7f7f7f'\n")
                .append("set linetype 11 lc rgb '#bcbd22'\nset linetype 12 lc rgb '#17becf'\nset linetype cycle 12\n")
                .append("set multiplot layout ").append(panels.size()).append(",1 title \"").append(title).append("\"\n");
        for (Panel p : panels) {
            gp.append(p.logscale() ? "set logscale y\n" : "unset logscale y\n").append("set yrange ").append(p.yrange()).append('\n')
                    .append("set title '").append(p.title()).append("'\n")
                    .append("plot for [i=2:").append(p.columns()).append("] '").append(p.dat())
                    .append("' using i:xtic(1) title columnheader(i)\n");
        }
        return gp.append("unset multiplot\n\n").toString();
    }

    /** Writes, per server, the requests/s and CPU data files and their gnuplot commands; returns the PNG names. */
    private static List<String> writeChartInputs(Map<String, Map<String, Map<String, Summary>>> byServer, Path dir,
                                                 String pngPrefix, String label, StringBuilder gp) throws IOException {
        String note = label.isEmpty() ? "" : "\\n" + label.replace("\"", "'");
        List<String> pngs = new ArrayList<>();
        for (Map.Entry<String, Map<String, Map<String, Summary>>> server : byServer.entrySet()) {
            if (server.getValue().keySet().stream().allMatch(ResultsReport::isIdle)) {
                continue; // nothing per request to chart
            }
            Set<String> clients = new LinkedHashSet<>();
            server.getValue().values().forEach(m -> clients.addAll(m.keySet()));
            List<String> clientList = orderedClients(clients);
            List<String> workloads = server.getValue().keySet().stream().filter(w -> !isIdle(w)).toList();
            List<Panel> panels = new ArrayList<>();
            for (String[] metric : new String[][] {{"rps", "Requests per second (higher is better)"},
                    {"cpu_us_per_req", "Client CPU time per request, microseconds (lower is better)"}}) {
                panels.add(panel(metric[1], dir.resolve(server.getKey() + "-" + metric[0] + ".dat"), workloads, clientList,
                        CLIENT_NAMES, (w, c) -> {
                            Summary s = server.getValue().get(w).get(c);
                            return s == null ? null : s.median(metric[0]);
                        }, true));
            }
            String png = pngPrefix + "-" + server.getKey() + ".png";
            pngs.add(png);
            gp.append(chartScript(png, "Server: " + server.getKey() + " (median of all measured windows; log scale)" + note, panels));
        }
        return pngs;
    }

    private static String markdown(Properties meta, Map<String, Map<String, Map<String, Summary>>> byServer,
                                   List<String> charts, Path outDir, List<Map<String, String>> histogram) {
        StringBuilder md = new StringBuilder();
        md.append("# Courier side by side: results\n\n");
        String label = meta.getProperty("label", "");
        if (!label.isEmpty()) {
            md.append("> **").append(label).append("**\n\n");
        }
        md.append("Generated by `benchmarks/run-comparison.sh ").append(meta.getProperty("args", "")).append("` on ")
                .append(meta.getProperty("date", "?")).append(". See `benchmarks/README.md` for what is measured and how.\n\n");
        md.append("Measured apart: Spring WebClient over Courier against WebClient over Reactor Netty, in "
                + "[`RESULTS-webclient.md`](RESULTS-webclient.md) (`benchmarks/run-webclient.sh`).\n\n");
        md.append("## Machine and versions\n\n| | |\n|---|---|\n");
        for (String key : List.of("cpu", "nproc", "memory", "kernel", "load", "java", "jvm_opts", "go", "wrk", "nginx",
                "warmup", "measure", "windows", "runs", "nginx_workloads", "netty_workloads", "pin_c1")) {
            if (meta.containsKey(key)) {
                md.append("| ").append(key).append(" | ").append(meta.getProperty(key).replace("|", "\\|")).append(" |\n");
            }
        }
        Map<String, String> versions = new LinkedHashMap<>();
        byServer.values().forEach(ws -> ws.values().forEach(cs -> cs.forEach((c, s) -> versions.putIfAbsent(c, s.version))));
        for (String c : orderedClients(versions.keySet())) {
            md.append("| ").append(CLIENT_NAMES.getOrDefault(c, c)).append(" | ").append(versions.get(c)).append(" |\n");
        }
        md.append("\nEach figure is the median over every measured window of every run (n = windows counted). ")
                .append("CPU is the client process's user + system time over the window divided by the requests completed in it; ")
                .append("allocation is the JVM's per-thread allocated bytes (Go: `TotalAlloc`), so only the client's. ")
                .append("\"conns opened\": the connections the server accepted from the client over its whole run, ")
                .append("warm-up included (its status page's count, less the status readings' own), one figure per run: ")
                .append("a pooling client opens as many as it has requests in flight, close-c16 one per request. ")
                .append("\"warm-up s\": the JVM client's warm-up, which ends once its JIT has gone quiet (at most the warmup above). ")
                .append("\"JIT ms\" is the worst window's JIT compilation time: near 0 means the warm-up was long enough. ")
                .append("\"vs Courier\" columns: Courier's requests/s divided by the client's (> 1: Courier is faster) and ")
                .append("Courier's CPU per request divided by the client's (< 1: Courier is leaner). ")
                .append("\"server counted\": the requests the server counted in the window over those the client completed ")
                .append("(as rates, since the server's two readings bracket the window a few ms wider): about 1.00 when the client's count is ")
                .append("real (wrk about 0.98: its bracket holds its process's start). ")
                .append("\"server CPU µs/req\": the server's CPU per request. \"other cores\": CPUs busy with neither this ")
                .append("client nor the server, averaged over the window (approximate): other work sharing the machine; well ")
                .append("above 0 the window's requests/s and latency are not comparable with a quiet one's (CPU per request ")
                .append("suffers less). get1k-c1 runs with the client and the server pinned (see pin_c1 above and the README).\n\n");
        for (String png : charts) {
            md.append("![requests/s and CPU per request](").append(relative(outDir, png)).append(")\n\n");
        }
        for (Map.Entry<String, Map<String, Map<String, Summary>>> server : byServer.entrySet()) {
            md.append("## Server: ").append(server.getKey()).append("\n\n");
            for (Map.Entry<String, Map<String, Summary>> w : server.getValue().entrySet()) {
                md.append(table(w.getKey(), w.getValue(), histogram));
            }
        }
        return md.toString();
    }

    private static boolean isIdle(String workload) {
        return Workload.IDLE_10K.id().equals(workload);
    }

    private static String table(String workload, Map<String, Summary> clients, List<Map<String, String>> histogram) {
        StringBuilder md = new StringBuilder();
        String description = Arrays.stream(Workload.values()).filter(x -> x.id().equals(workload))
                .map(Workload::description).findFirst().orElse("");
        md.append("### ").append(workload).append("\n\n").append(description).append("\n\n");
        if (isIdle(workload)) {
            return md.append(idleTable(clients, histogram, List.of("courier"), CLIENT_NAMES)).toString();
        }
        md.append("| client | req/s | MiB/s | CPU µs/req | alloc B/req | p50 µs | p99 µs | p99.9 µs | conns opened | warm-up s "
                + "| JIT ms | GC ms | errors | n | server counted | server CPU µs/req | other cores | vs Courier: req/s "
                + "| vs Courier: CPU/req |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        Summary courier = clients.get("courier");
        for (Map.Entry<String, Summary> e : clients.entrySet()) {
            Summary s = e.getValue();
            String name = CLIENT_NAMES.getOrDefault(e.getKey(), e.getKey());
            md.append("| ").append("courier".equals(e.getKey()) ? "**" + name + "**" : name)
                    .append(" | ").append(num(s.median("rps"), 0))
                    .append(" | ").append(num(s.median("mib_s"), 1))
                    .append(" | ").append(num(s.median("cpu_us_per_req"), 1))
                    .append(" | ").append(num(s.median("alloc_b_per_req"), 0))
                    .append(" | ").append(num(s.median("p50_us"), 0))
                    .append(" | ").append(num(s.median("p99_us"), 0))
                    .append(" | ").append(num(s.median("p999_us"), 0))
                    .append(" | ").append(s.perRun("conns_opened"))
                    .append(" | ").append(num(s.median("warmup_s"), 1))
                    .append(" | ").append(num(s.max("jit_ms"), 0))
                    .append(" | ").append(num(s.median("gc_ms"), 0))
                    .append(" | ").append(num(s.sum("errors"), 0))
                    .append(" | ").append(s.windows)
                    .append(" | ").append(num(s.median("server_counted"), 3))
                    .append(" | ").append(num(s.median("server_cpu_us_per_req"), 1))
                    .append(" | ").append(num(s.median("other_cores"), 2))
                    .append(" | ").append(courier == null || courier == s ? "" : ratio(courier.median("rps"), s.median("rps")))
                    .append(" | ").append(courier == null || courier == s ? ""
                            : ratio(courier.median("cpu_us_per_req"), s.median("cpu_us_per_req")))
                    .append(" |\n");
        }
        return md.append('\n').toString();
    }

    /**
     * The idle-memory table with a ratio column per Courier ({@code couriers}: "courier", or one per TLS
     * engine), then per profiled client the classes whose heap grew most per connection.
     */
    static String idleTable(Map<String, Summary> clients, List<Map<String, String>> histogram, List<String> couriers,
                            Map<String, String> names) {
        StringBuilder md = new StringBuilder();
        md.append("| client | connections opened | heap KiB/conn | direct KiB/conn | total KiB/conn | RSS outside heap KiB/conn "
                + "| open s | errors | n");
        StringBuilder align = new StringBuilder("|---|--:|--:|--:|--:|--:|--:|--:|--:");
        for (String c : couriers) {
            if (clients.containsKey(c)) {
                md.append(" | vs ").append(names.getOrDefault(c, c)).append(": KiB/conn");
                align.append("|--:");
            }
        }
        md.append(" |\n").append(align).append("|\n");
        for (Map.Entry<String, Summary> e : clients.entrySet()) {
            Summary s = e.getValue();
            String name = names.getOrDefault(e.getKey(), e.getKey());
            md.append("| ").append(couriers.contains(e.getKey()) ? "**" + name + "**" : name)
                    .append(" | ").append(num(s.median("connections"), 0))
                    .append(" | ").append(num(s.median("heap_kib_per_conn"), 2))
                    .append(" | ").append(num(s.median("direct_kib_per_conn"), 2))
                    .append(" | ").append(num(s.median("total_kib_per_conn"), 2))
                    .append(" | ").append(num(s.median("rss_outside_heap_kib_per_conn"), 2))
                    .append(" | ").append(num(s.median("open_seconds"), 1))
                    .append(" | ").append(num(s.sum("errors"), 0))
                    .append(" | ").append(s.windows);
            for (String c : couriers) {
                Summary courier = clients.get(c);
                if (courier != null) {
                    md.append(" | ").append(courier == s ? "" : ratio(courier.median("total_kib_per_conn"), s.median("total_kib_per_conn")));
                }
            }
            md.append(" |\n");
        }
        md.append("\nKiB per connection: (heap + direct memory after full GCs with the connections idle in the pool) minus the "
                + "same before they were opened (after a warm-up of 16 requests, whose 16 connections the pool keeps too: it "
                + "then holds 10,000), divided by the sockets opened. Go's \"direct\" column is goroutine stacks. "
                + "\"RSS outside heap\" (JVM clients): the growth of the process's resident memory outside the Java heap "
                + "per connection, which also holds what native libraries (BoringSSL) keep per connection, besides direct "
                + "memory, and memory malloc freed but kept: an upper bound. "
                + "\"vs Courier\" < 1: Courier holds less.\n\n");
        for (String client : clients.keySet()) {
            List<Map<String, String>> own = histogram.stream().filter(h -> client.equals(h.get("client"))).toList();
            if (own.isEmpty()) {
                continue;
            }
            md.append("Heap per idle connection by class (").append(names.getOrDefault(client, client))
                    .append(", `GC.class_histogram` after minus before, per connection):\n\n")
                    .append("| class | instances/conn | bytes/conn |\n|---|--:|--:|\n");
            Map<String, Map<String, String>> byClass = new LinkedHashMap<>(); // the first run's, with --runs > 1
            own.forEach(h -> byClass.putIfAbsent(h.get("class"), h));
            for (Map<String, String> h : byClass.values()) {
                md.append("| `").append(h.get("class")).append("` | ").append(h.get("instances_per_conn"))
                        .append(" | ").append(h.get("bytes_per_conn")).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String ratio(double courier, double peer) {
        return Double.isNaN(courier) || Double.isNaN(peer) || peer == 0 ? "–" : String.format(Locale.ROOT, "%.2f×", courier / peer);
    }

    private static String num(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** One client's windows for one workload on one server. */
    static final class Summary {
        final int windows;
        final String version;
        private final List<Map<String, String>> rows;

        Summary(List<Map<String, String>> rows) {
            this.rows = rows;
            this.windows = rows.size();
            this.version = rows.get(0).getOrDefault("version", "?").replace('_', ' ');
        }

        private double[] values(String key) {
            return rows.stream().mapToDouble(r -> parse(r.get(key))).filter(v -> !Double.isNaN(v)).sorted().toArray();
        }

        double median(String key) {
            double[] v = values(key);
            if (v.length == 0) {
                return Double.NaN;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        double max(String key) {
            double[] v = values(key);
            return v.length == 0 ? Double.NaN : v[v.length - 1];
        }

        /** The distinct values of {@code key}, one per run (each process's lines carry the same), joined by " / ". */
        String perRun(String key) {
            Set<String> seen = new LinkedHashSet<>();
            Set<String> runs = new LinkedHashSet<>();
            for (Map<String, String> r : rows) {
                String v = r.get(key);
                if (v != null && runs.add(r.getOrDefault("run", "1"))) {
                    seen.add(v);
                }
            }
            return seen.isEmpty() ? "–" : String.join(" / ", seen);
        }

        double sum(String key) {
            double[] v = values(key);
            return v.length == 0 ? Double.NaN : Arrays.stream(v).sum();
        }

        static double parse(String s) {
            if (s == null) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
    }
}
