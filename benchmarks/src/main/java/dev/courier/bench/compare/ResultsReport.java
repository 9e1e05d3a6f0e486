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
        List<String> charts = writeChartInputs(byServer, chartDir, chartPng, meta.getProperty("label", ""));
        Files.writeString(Path.of(opts.get("out")), markdown(meta, byServer, charts, Path.of(opts.get("out")).getParent(), histogram),
                StandardCharsets.UTF_8);
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

    /** Writes, per server, the requests/s and CPU data files and one gnuplot script; returns the PNG names. */
    private static List<String> writeChartInputs(Map<String, Map<String, Map<String, Summary>>> byServer, Path dir,
                                                 String pngPrefix, String label) throws IOException {
        String note = label.isEmpty() ? "" : "\\n" + label.replace("\"", "'");
        List<String> pngs = new ArrayList<>();
        StringBuilder gp = new StringBuilder();
        for (Map.Entry<String, Map<String, Map<String, Summary>>> server : byServer.entrySet()) {
            if (server.getValue().keySet().stream().allMatch(ResultsReport::isIdle)) {
                continue; // nothing per request to chart
            }
            Set<String> clients = new LinkedHashSet<>();
            server.getValue().values().forEach(m -> clients.addAll(m.keySet()));
            List<String> clientList = orderedClients(clients);
            for (String metric : List.of("rps", "cpu_us_per_req")) {
                StringBuilder dat = new StringBuilder("workload");
                for (String c : clientList) {
                    dat.append('\t').append(CLIENT_NAMES.getOrDefault(c, c));
                }
                dat.append('\n');
                for (Map.Entry<String, Map<String, Summary>> w : server.getValue().entrySet()) {
                    if (isIdle(w.getKey())) {
                        continue;
                    }
                    dat.append(w.getKey());
                    for (String c : clientList) {
                        Summary s = w.getValue().get(c);
                        double v = s == null ? Double.NaN : s.median(metric);
                        dat.append('\t').append(Double.isNaN(v) || v <= 0 ? "?" : String.format(Locale.ROOT, "%.3f", v));
                    }
                    dat.append('\n');
                }
                Files.writeString(dir.resolve(server.getKey() + "-" + metric + ".dat"), dat.toString());
            }
            String png = pngPrefix + "-" + server.getKey() + ".png";
            pngs.add(png);
            int columns = clientList.size() + 1;
            gp.append("set terminal pngcairo noenhanced size 1400,1000 font 'sans,10'\n")
                    .append("set output '").append(png).append("'\n")
                    .append("set datafile missing '?'\nset datafile separator '\\t'\n")
                    .append("set style data histograms\nset style histogram clustered gap 1\n")
                    .append("set style fill solid 0.85 border -1\nset boxwidth 0.9\nset logscale y\n")
                    .append("set grid ytics\nset key outside right top vertical\nset xtics rotate by -30\n")
                    .append("set multiplot layout 2,1 title \"Server: ").append(server.getKey())
                    .append(" (median of all measured windows; log scale)").append(note).append("\"\n")
                    .append("set title 'Requests per second (higher is better)'\n")
                    .append("plot for [i=2:").append(columns).append("] '").append(dir.resolve(server.getKey() + "-rps.dat"))
                    .append("' using i:xtic(1) title columnheader(i)\n")
                    .append("set title 'Client CPU time per request, microseconds (lower is better)'\n")
                    .append("plot for [i=2:").append(columns).append("] '")
                    .append(dir.resolve(server.getKey() + "-cpu_us_per_req.dat"))
                    .append("' using i:xtic(1) title columnheader(i)\n")
                    .append("unset multiplot\n\n");
        }
        Files.writeString(dir.resolve("chart.gp"), gp.toString());
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
            Path p = Path.of(png);
            String rel = outDir != null && p.isAbsolute() ? outDir.toAbsolutePath().relativize(p.toAbsolutePath()).toString() : p.getFileName().toString();
            md.append("![requests/s and CPU per request](").append(rel).append(")\n\n");
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
            return md.append(idleTable(clients, histogram)).toString();
        }
        md.append("| client | req/s | MiB/s | CPU µs/req | alloc B/req | p50 µs | p99 µs | p99.9 µs | JIT ms | GC ms | errors | n "
                + "| server counted | server CPU µs/req | other cores | vs Courier: req/s | vs Courier: CPU/req |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
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

    /** The idle-memory table, then the classes whose heap grew most per connection (Courier's, if it was profiled). */
    private static String idleTable(Map<String, Summary> clients, List<Map<String, String>> histogram) {
        StringBuilder md = new StringBuilder();
        md.append("| client | connections opened | heap KiB/conn | direct KiB/conn | total KiB/conn | open s | errors | n "
                + "| vs Courier: KiB/conn |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        Summary courier = clients.get("courier");
        for (Map.Entry<String, Summary> e : clients.entrySet()) {
            Summary s = e.getValue();
            String name = CLIENT_NAMES.getOrDefault(e.getKey(), e.getKey());
            md.append("| ").append("courier".equals(e.getKey()) ? "**" + name + "**" : name)
                    .append(" | ").append(num(s.median("connections"), 0))
                    .append(" | ").append(num(s.median("heap_kib_per_conn"), 2))
                    .append(" | ").append(num(s.median("direct_kib_per_conn"), 2))
                    .append(" | ").append(num(s.median("total_kib_per_conn"), 2))
                    .append(" | ").append(num(s.median("open_seconds"), 1))
                    .append(" | ").append(num(s.sum("errors"), 0))
                    .append(" | ").append(s.windows)
                    .append(" | ").append(courier == null || courier == s ? ""
                            : ratio(courier.median("total_kib_per_conn"), s.median("total_kib_per_conn")))
                    .append(" |\n");
        }
        md.append("\nKiB per connection: (heap + direct memory after full GCs with the connections idle in the pool) minus the "
                + "same before they were opened (after a warm-up of 16 requests, whose 16 connections the pool keeps too: it "
                + "then holds 10,000), divided by the sockets opened. Go's \"direct\" column is goroutine stacks. "
                + "\"vs Courier\" < 1: Courier holds less.\n\n");
        if (!histogram.isEmpty()) {
            md.append("Heap per idle connection by class (").append(CLIENT_NAMES.getOrDefault(histogram.get(0).get("client"),
                    histogram.get(0).get("client"))).append(", `GC.class_histogram` after minus before, per connection):\n\n")
                    .append("| class | instances/conn | bytes/conn |\n|---|--:|--:|\n");
            Map<String, Map<String, String>> byClass = new LinkedHashMap<>(); // the first run's, with --runs > 1
            histogram.forEach(h -> byClass.putIfAbsent(h.get("class"), h));
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
