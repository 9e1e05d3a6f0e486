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
import java.util.function.ToDoubleFunction;

/**
 * Turns the {@code RESULT} lines of a TLS and HTTP/2 comparison run ({@code run-tls-h2.sh}) into
 * {@code RESULTS-tls-h2.md}: the machine and versions, a table per workload of each client's medians
 * with Courier's ratio (each TLS engine) to each peer, and where Courier stands on issue 6's targets.
 *
 * <p>Besides the driver's fields, the runner appends to each line {@code conns_opened} (nginx's accepted
 * connections over the client's whole run, warm-up included), {@code conns_max} (the most established at
 * once, sampled every 2 s), {@code run}, and on the handshake workloads {@code resumed_pct} and
 * {@code tls} (protocol/cipher/group nginx logged), and {@code engine} for Courier.
 *
 * <pre>
 * java -cp benchmarks.jar dev.courier.bench.compare.TlsH2Report --results results.txt --meta meta.properties \
 *     --out benchmarks/RESULTS-tls-h2.md
 * </pre>
 */
public final class TlsH2Report {
    private static final List<String> CLIENT_ORDER =
            List.of("courier-boringssl", "courier-jdk", "jdk", "reactor", "ahc", "apache", "jetty", "vertx", "go", "wrk", "h2load");
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("courier-boringssl", "Courier (BoringSSL)"), Map.entry("courier-jdk", "Courier (JDK TLS)"),
            Map.entry("jdk", "JDK HttpClient"), Map.entry("reactor", "Reactor Netty"), Map.entry("ahc", "AsyncHttpClient"),
            Map.entry("apache", "Apache HttpClient 5"), Map.entry("jetty", "Jetty HttpClient"), Map.entry("vertx", "Vert.x"),
            Map.entry("go", "Go net/http"), Map.entry("wrk", "wrk"), Map.entry("h2load", "h2load"));
    /** The JVM peers Courier is to beat on CPU per request. */
    private static final Set<String> JVM_PEERS = Set.of("jdk", "reactor", "apache", "vertx");
    private static final String[] COURIERS = {"courier-boringssl", "courier-jdk"};

    private TlsH2Report() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        List<String> lines = Files.readAllLines(Path.of(opts.get("results")), StandardCharsets.UTF_8);
        Properties meta = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(opts.get("meta")), StandardCharsets.UTF_8)) {
            meta.load(r);
        }
        Files.writeString(Path.of(opts.get("out")), markdown(meta, lines), StandardCharsets.UTF_8);
    }

    /** The key=value fields of each {@code RESULT} line; other lines are ignored. */
    static List<Map<String, String>> parse(List<String> lines) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("RESULT ")) {
                Map<String, String> row = new LinkedHashMap<>();
                for (String field : line.substring(7).trim().split("\\s+")) {
                    int eq = field.indexOf('=');
                    if (eq > 0) {
                        row.put(field.substring(0, eq), field.substring(eq + 1));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** One client's medians on one workload, over all its windows of all runs. */
    record Summary(String client, String version, int windows, double rps, double cpuPerReq, double cpuCores,
                   double p50, double p99, double jitWorst, long errors, String connsOpened, String connsMax,
                   String resumed, String tls, String engine, double warmup, double connsOpenedMedian) {
    }

    /** workload → client → summary, in the runner's workload order and {@link #CLIENT_ORDER}. */
    static Map<String, Map<String, Summary>> summarize(List<Map<String, String>> rows) {
        Map<String, Map<String, List<Map<String, String>>>> grouped = new LinkedHashMap<>();
        for (Map<String, String> row : rows) {
            grouped.computeIfAbsent(row.get("workload"), k -> new LinkedHashMap<>())
                    .computeIfAbsent(row.get("client"), k -> new ArrayList<>()).add(row);
        }
        Map<String, Map<String, Summary>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<Map<String, String>>>> w : grouped.entrySet()) {
            List<String> clients = new ArrayList<>(w.getValue().keySet());
            clients.sort((a, b) -> Integer.compare(order(a), order(b)));
            Map<String, Summary> byClient = new LinkedHashMap<>();
            for (String c : clients) {
                List<Map<String, String>> list = w.getValue().get(c);
                byClient.put(c, new Summary(c, list.get(0).getOrDefault("version", "?").replace('_', ' '), list.size(),
                        median(list, "rps"), median(list, "cpu_us_per_req"), median(list, "cpu_cores"),
                        median(list, "p50_us"), median(list, "p99_us"), max(list, "jit_ms"),
                        (long) sum(list, "errors"), distinct(list, "conns_opened"), distinct(list, "conns_max"),
                        distinct(list, "resumed_pct"), distinct(list, "tls"),
                        distinct(list, "engine").replace('_', ' '), median(list, "warmup_s"),
                        median(list, "conns_opened")));
            }
            out.put(w.getKey(), byClient);
        }
        return out;
    }

    private static int order(String client) {
        int i = CLIENT_ORDER.indexOf(client);
        return i < 0 ? CLIENT_ORDER.size() : i;
    }

    private static double[] values(List<Map<String, String>> rows, String key) {
        return rows.stream().map(r -> r.get(key)).filter(v -> v != null && !v.equals("na") && !v.isEmpty())
                .mapToDouble(Double::parseDouble).sorted().toArray();
    }

    static double median(List<Map<String, String>> rows, String key) {
        double[] v = values(rows, key);
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double max(List<Map<String, String>> rows, String key) {
        double[] v = values(rows, key);
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    private static double sum(List<Map<String, String>> rows, String key) {
        return Arrays.stream(values(rows, key)).sum();
    }

    /** The distinct values of {@code key} over the runs (one per process), joined by "/", or "" when absent. */
    private static String distinct(List<Map<String, String>> rows, String key) {
        Set<String> seen = new LinkedHashSet<>();
        Set<String> runs = new LinkedHashSet<>();
        for (Map<String, String> r : rows) {
            String v = r.get(key);
            if (v != null && runs.add(r.getOrDefault("run", "1"))) {
                seen.add(v);
            }
        }
        return String.join(" / ", seen);
    }

    /** The whole {@code RESULTS-tls-h2.md}: a header with the machine and versions, then {@link #body}. */
    static String markdown(Properties meta, List<String> lines) {
        StringBuilder md = new StringBuilder();
        md.append("# Courier TLS and HTTP/2 comparison\n\n");
        md.append("Generated by `benchmarks/run-tls-h2.sh` (see [TLS-H2.md](TLS-H2.md)); do not edit by hand.\n\n");
        String label = meta.getProperty("label", "");
        if (!label.isBlank()) {
            md.append("**").append(label).append("**\n\n");
        }
        md.append("| | |\n|---|---|\n");
        for (String key : List.of("date", "mode", "args", "cpu", "nproc", "memory", "kernel", "load", "java", "jvm_opts",
                "go", "wrk", "h2load", "openssl", "nginx", "certificate", "warmup", "measure", "windows", "runs")) {
            String v = meta.getProperty(key);
            if (v != null && !v.isBlank()) {
                md.append("| ").append(key).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
            }
        }
        md.append('\n').append(body(lines, "##"));
        return md.toString();
    }

    /**
     * The tables of a TLS and HTTP/2 run, their versions and where Courier stands on issue 6's targets,
     * with sections headed {@code heading} (as "##"): {@code RESULTS-tls-h2.md}'s body, and the TLS and HTTP/2
     * part of {@code RESULTS.md} ({@link ResultsReport}).
     */
    static String body(List<String> lines, String heading) {
        List<Map<String, String>> rows = parse(lines);
        Map<String, Map<String, Summary>> byWorkload = summarize(rows);
        StringBuilder md = new StringBuilder();
        md.append("Every figure is a median over a client's measured windows. **CPU** is the client process's "
                + "user + system time over the window divided by the requests (handshakes) completed in it "
                + "(JVM: `getProcessCpuTime`; Go: `getrusage`; wrk and h2load: `/usr/bin/time` over a run). "
                + "**Conns** is the connections nginx accepted from the client over its whole run, warm-up "
                + "included (stub_status), and the most established at once (`ss`, sampled every 2 s). "
                + "**Ratios** are Courier's figure divided by the peer's, for each of Courier's TLS engines: "
                + "under 1 is less CPU than the peer, over 1 more requests/s. **Warm-up s**: the JVM client's "
                + "warm-up, which ended once its JIT went quiet (see the JIT column for what remained).\n");

        for (Map.Entry<String, Map<String, Summary>> w : byWorkload.entrySet()) {
            String id = w.getKey();
            boolean handshake = id.startsWith("tls-handshake") || id.startsWith("tls-resume");
            String unit = handshake ? "handshake" : "req";
            md.append('\n').append(heading).append(' ').append(id).append("\n\n");
            try {
                String d = TlsH2Workload.byId(id).description();
                md.append(Character.toUpperCase(d.charAt(0))).append(d.substring(1)).append(".\n\n");
            } catch (IllegalArgumentException e) {
                // a workload this version does not know: its table still shows
            }
            if (id.equals(TlsH2Workload.IDLE_10K_TLS.id())) {
                md.append(idleTable(rows, id, lines));
                continue;
            }
            if (id.equals("h2-cold128")) {
                md.append("| client | conns opened | max open at once | errors |\n|---|--:|--:|--:|\n");
                for (Summary c : w.getValue().values()) {
                    md.append("| ").append(NAMES.getOrDefault(c.client(), c.client())).append(" | ").append(c.connsOpened())
                            .append(" | ").append(c.connsMax()).append(" | ").append(c.errors()).append(" |\n");
                }
                continue;
            }
            md.append("| client | ").append(handshake ? "handshakes/s" : "req/s").append(" | CPU µs/").append(unit)
                    .append(" | CPU cores | p50 µs | p99 µs | conns opened | max open |")
                    .append(handshake ? " resumed | TLS |" : "")
                    .append(" warm-up s | JIT ms (worst window) | errors | windows | Courier BoringSSL ÷ this: CPU, ").append(unit)
                    .append("/s | Courier JDK ÷ this: CPU, ").append(unit).append("/s |\n");
            md.append("|---|--:|--:|--:|--:|--:|--:|--:|").append(handshake ? "--:|---|" : "")
                    .append("--:|--:|--:|--:|---|---|\n");
            Map<String, Summary> s = w.getValue();
            for (Summary c : s.values()) {
                md.append("| ").append(NAMES.getOrDefault(c.client(), c.client()))
                        .append(" | ").append(num(c.rps(), 0))
                        .append(" | ").append(num(c.cpuPerReq(), 1))
                        .append(" | ").append(num(c.cpuCores(), 2))
                        .append(" | ").append(num(c.p50(), 0))
                        .append(" | ").append(num(c.p99(), 0))
                        .append(" | ").append(c.connsOpened())
                        .append(" | ").append(c.connsMax()).append(" |");
                if (handshake) {
                    md.append(' ').append(c.resumed().isEmpty() ? "" : c.resumed() + " %").append(" | ")
                            .append(c.tls()).append(" |");
                }
                md.append(' ').append(num(c.warmup(), 1))
                        .append(" | ").append(num(c.jitWorst(), 0))
                        .append(" | ").append(c.errors())
                        .append(" | ").append(c.windows());
                for (String courier : COURIERS) {
                    Summary mine = s.get(courier);
                    md.append(" | ");
                    if (mine != null && !courier.equals(c.client())) {
                        md.append(ratio(mine.cpuPerReq(), c.cpuPerReq())).append(", ").append(ratio(mine.rps(), c.rps()));
                    }
                }
                md.append(" |\n");
            }
        }

        md.append('\n').append(heading).append(" Versions (TLS and HTTP/2 run)\n\n| client | version |\n|---|---|\n");
        Map<String, String> versions = new LinkedHashMap<>();
        for (Map<String, Summary> s : byWorkload.values()) {
            for (Summary c : s.values()) {
                String v = c.version() + (c.engine().isEmpty() ? "" : "; TLS engine: " + c.engine());
                versions.merge(c.client(), v, (a, b) -> a.contains(b) ? a : a + "; " + b);
            }
        }
        List<String> clients = new ArrayList<>(versions.keySet());
        clients.sort((a, b) -> Integer.compare(order(a), order(b)));
        for (String c : clients) {
            md.append("| ").append(NAMES.getOrDefault(c, c)).append(" | ").append(versions.get(c)).append(" |\n");
        }

        md.append('\n').append(heading).append(" Issue 6's targets over TLS and HTTP/2\n\n");
        Map<String, Double> idleKib = new LinkedHashMap<>();
        Map<String, Double> idleRss = new LinkedHashMap<>();
        ResultsReport.summarize(rows.stream().filter(r -> TlsH2Workload.IDLE_10K_TLS.id().equals(r.get("workload"))).toList())
                .values().forEach(ws -> ws.values().forEach(cs -> cs.forEach((c, sum) -> {
                    idleKib.put(c, sum.median("total_kib_per_conn"));
                    idleRss.put(c, sum.median("rss_outside_heap_kib_per_conn"));
                })));
        targets(md, byWorkload, idleKib, idleRss);
        return md.toString();
    }

    /** Where Courier stands on each TLS and HTTP/2 target of issue 6, with the numbers. */
    private static void targets(StringBuilder md, Map<String, Map<String, Summary>> byWorkload, Map<String, Double> idleKib,
                                Map<String, Double> idleRss) {
        Map<String, Summary> ka = byWorkload.get("tls-get1k-c16");
        if (ka != null) {
            md.append("**TLS HTTP/1.1 keep-alive, 16 in flight: CPU per request the lowest of the JVM clients and "
                    + "≤ 1.5× wrk's.**\n\n");
            Summary bestJvm = best(ka, JVM_PEERS, Summary::cpuPerReq);
            Summary wrk = ka.get("wrk");
            for (String courier : COURIERS) {
                Summary mine = ka.get(courier);
                if (mine == null) {
                    continue;
                }
                md.append("- ").append(NAMES.get(courier)).append(": ").append(num(mine.cpuPerReq(), 1)).append(" µs/req");
                if (bestJvm != null) {
                    md.append("; the best JVM peer, ").append(NAMES.get(bestJvm.client())).append(", ")
                            .append(num(bestJvm.cpuPerReq(), 1)).append(" µs (").append(verdict(mine.cpuPerReq() <= bestJvm.cpuPerReq()))
                            .append(", ratio ").append(ratio(mine.cpuPerReq(), bestJvm.cpuPerReq())).append(")");
                }
                if (wrk != null) {
                    md.append("; wrk ").append(num(wrk.cpuPerReq(), 1)).append(" µs, so ")
                            .append(ratio(mine.cpuPerReq(), wrk.cpuPerReq())).append("× wrk (")
                            .append(verdict(mine.cpuPerReq() <= 1.5 * wrk.cpuPerReq())).append(")");
                }
                md.append(".\n");
            }
            md.append('\n');
        }
        Map<String, Summary> h2 = byWorkload.get("h2-get1k-c128");
        if (h2 != null) {
            md.append("**HTTP/2, 128 in flight: CPU per request ≤ the best JVM client's over one connection, and "
                    + "≥ 80 % of h2load's requests/s.**\n\n");
            Set<String> oneConnection = new LinkedHashSet<>();
            for (Summary c : h2.values()) {
                if (JVM_PEERS.contains(c.client()) && "1".equals(c.connsOpened())) {
                    oneConnection.add(c.client());
                }
            }
            Summary bestJvm = best(h2, oneConnection, Summary::cpuPerReq);
            Summary h2load = h2.get("h2load");
            for (String courier : COURIERS) {
                Summary mine = h2.get(courier);
                if (mine == null) {
                    continue;
                }
                md.append("- ").append(NAMES.get(courier)).append(": ").append(num(mine.cpuPerReq(), 1))
                        .append(" µs/req over ").append(mine.connsOpened()).append(" connection(s)");
                if (!"1".equals(mine.connsOpened())) {
                    md.append(" (**not one connection**)");
                }
                if (bestJvm != null) {
                    md.append("; the best JVM peer on one connection, ").append(NAMES.get(bestJvm.client())).append(", ")
                            .append(num(bestJvm.cpuPerReq(), 1)).append(" µs (").append(verdict(mine.cpuPerReq() <= bestJvm.cpuPerReq()))
                            .append(", ratio ").append(ratio(mine.cpuPerReq(), bestJvm.cpuPerReq())).append(")");
                }
                if (h2load != null) {
                    md.append("; ").append(num(mine.rps(), 0)).append(" req/s = ")
                            .append(num(100 * mine.rps() / h2load.rps(), 0)).append(" % of h2load's ")
                            .append(num(h2load.rps(), 0)).append(" (").append(verdict(mine.rps() >= 0.8 * h2load.rps())).append(")");
                }
                md.append(".\n");
            }
            md.append('\n');
        }
        Map<String, Summary> idle = byWorkload.get(TlsH2Workload.IDLE_10K_TLS.id());
        if (idle != null) {
            md.append("**An idle pooled TLS connection costs ≤ 8 KiB of heap + direct memory, over 10,000 of them "
                    + "(Reactor Netty held 8.6).**\n\n");
            for (String courier : COURIERS) {
                if (idle.containsKey(courier)) {
                    double kib = idleKib.getOrDefault(courier, Double.NaN);
                    md.append("- ").append(NAMES.get(courier)).append(": ").append(num(kib, 2)).append(" KiB per connection (")
                            .append(verdict(kib <= 8)).append(")");
                    Double reactor = idleKib.get("reactor");
                    if (reactor != null) {
                        md.append("; Reactor Netty ").append(num(reactor, 2)).append(" KiB, ratio ").append(ratio(kib, reactor));
                    }
                    double rss = idleRss.getOrDefault(courier, Double.NaN);
                    if (!Double.isNaN(rss)) {
                        md.append("; outside the heap its resident memory grew ").append(num(rss, 2))
                                .append(" KiB per connection (direct memory, native TLS state, malloc's kept memory: an upper bound)");
                    }
                    md.append(".\n");
                }
            }
            md.append("\nThe target counts heap + direct memory, as the issue does. BoringSSL keeps its per-connection state in "
                    + "native memory, which neither counts: compare the RSS outside heap column before calling a TLS engine lean.\n\n");
        }
        for (String id : List.of("tls-handshake", "tls-resume")) {
            Map<String, Summary> hs = byWorkload.get(id);
            if (hs == null) {
                continue;
            }
            Summary go = hs.get("go");
            boolean target = id.equals("tls-handshake");
            md.append(target ? "**New TLS connection per request (tls-handshake, full handshakes): handshakes/s with "
                    + "BoringSSL ≥ Go's.**\n\n"
                    : "**For reference, not a target: tls-resume (resumption offered; see the resumed column).**\n\n");
            for (String courier : COURIERS) {
                Summary mine = hs.get(courier);
                if (mine == null) {
                    continue;
                }
                md.append("- ").append(NAMES.get(courier)).append(": ").append(num(mine.rps(), 0)).append(" handshakes/s, ")
                        .append(num(mine.cpuPerReq() / 1000, 2)).append(" ms CPU each");
                if (go != null) {
                    md.append("; Go ").append(num(go.rps(), 0)).append("/s, ").append(num(go.cpuPerReq() / 1000, 2))
                            .append(" ms each: ratio ").append(ratio(mine.rps(), go.rps())).append(" in handshakes/s");
                    if (target && courier.equals("courier-boringssl")) {
                        md.append(" (").append(verdict(mine.rps() >= go.rps())).append(")");
                    }
                }
                md.append(".\n");
            }
            md.append('\n');
        }
    }

    /**
     * Writes the TLS and HTTP/2 chart's data files into {@code dir} and appends its gnuplot commands to
     * {@code gp}: requests (handshakes)/s and CPU per request for the load workloads, connections opened
     * for the HTTP/2 ones, KiB per idle connection for idle10k-tls. Returns the PNG's path, or null when
     * there is nothing to chart.
     */
    static String writeChart(List<String> lines, Path dir, String png, String label, StringBuilder gp) throws IOException {
        List<Map<String, String>> rows = parse(lines);
        Map<String, Map<String, Summary>> byWorkload = summarize(rows);
        Set<String> clientSet = new LinkedHashSet<>();
        byWorkload.values().forEach(m -> clientSet.addAll(m.keySet()));
        List<String> clients = clientSet.stream().sorted((a, b) -> Integer.compare(order(a), order(b))).toList();
        List<String> load = byWorkload.keySet().stream()
                .filter(w -> !w.equals("h2-cold128") && !w.equals(TlsH2Workload.IDLE_10K_TLS.id())).toList();
        List<String> h2 = byWorkload.keySet().stream().filter(w -> w.startsWith("h2-")).toList();
        List<ResultsReport.Panel> panels = new ArrayList<>();
        if (!load.isEmpty()) {
            panels.add(ResultsReport.panel("Requests (tls-handshake: handshakes) per second (higher is better)",
                    dir.resolve("tls-h2-rps.dat"), load, clients, NAMES, (w, c) -> value(byWorkload, w, c, Summary::rps), true));
            panels.add(ResultsReport.panel("Client CPU time per request (handshake), microseconds (lower is better)",
                    dir.resolve("tls-h2-cpu.dat"), load, clients, NAMES, (w, c) -> value(byWorkload, w, c, Summary::cpuPerReq), true));
        }
        if (!h2.isEmpty()) {
            panels.add(ResultsReport.panel("HTTP/2: connections the client opened (fewer is better; h2load: one per window)",
                    dir.resolve("tls-h2-conns.dat"), h2, clients, NAMES,
                    (w, c) -> value(byWorkload, w, c, Summary::connsOpenedMedian), true).withYrange("[0.5:*]"));
        }
        List<Map<String, String>> idleRows = rows.stream()
                .filter(r -> TlsH2Workload.IDLE_10K_TLS.id().equals(r.get("workload"))).toList();
        if (!idleRows.isEmpty()) {
            Map<String, ResultsReport.Summary> idle = new LinkedHashMap<>();
            ResultsReport.summarize(idleRows).values().forEach(ws -> ws.values().forEach(idle::putAll));
            panels.add(ResultsReport.panel("Heap + direct memory per idle pooled TLS connection, KiB (lower is better)",
                    dir.resolve("tls-h2-idle.dat"), List.of(TlsH2Workload.IDLE_10K_TLS.id()), clients, NAMES, (w, c) -> {
                        ResultsReport.Summary s = idle.get(c);
                        return s == null ? null : s.median("total_kib_per_conn");
                    }, false));
        }
        if (panels.isEmpty()) {
            return null;
        }
        String note = label.isEmpty() ? "" : "\\n" + label.replace("\"", "'");
        gp.append(ResultsReport.chartScript(png,
                "TLS and HTTP/2 on nginx (median of all measured windows; log scale but for memory)" + note, panels));
        return png;
    }

    private static Double value(Map<String, Map<String, Summary>> byWorkload, String workload, String client,
                                ToDoubleFunction<Summary> metric) {
        Summary s = byWorkload.getOrDefault(workload, Map.of()).get(client);
        return s == null ? null : metric.applyAsDouble(s);
    }

    /** The idle-memory table of {@code workload}, with Courier's (each engine's) ratio and its heap histogram. */
    private static String idleTable(List<Map<String, String>> rows, String workload, List<String> lines) {
        List<Map<String, String>> mine = rows.stream().filter(r -> workload.equals(r.get("workload"))).toList();
        Map<String, ResultsReport.Summary> clients = new LinkedHashMap<>();
        ResultsReport.summarize(mine).values().forEach(ws -> ws.values().forEach(clients::putAll));
        Map<String, ResultsReport.Summary> ordered = new LinkedHashMap<>();
        clients.keySet().stream().sorted((a, b) -> Integer.compare(order(a), order(b))).forEach(c -> ordered.put(c, clients.get(c)));
        return ResultsReport.idleTable(ordered, ResultsReport.parse(lines, "HISTO "), List.of(COURIERS), NAMES);
    }

    private static Summary best(Map<String, Summary> s, Set<String> among, ToDoubleFunction<Summary> lowest) {
        Summary best = null;
        for (Summary c : s.values()) {
            if (among.contains(c.client()) && !Double.isNaN(lowest.applyAsDouble(c))
                    && (best == null || lowest.applyAsDouble(c) < lowest.applyAsDouble(best))) {
                best = c;
            }
        }
        return best;
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**not met**";
    }

    private static String ratio(double mine, double theirs) {
        if (Double.isNaN(mine) || Double.isNaN(theirs) || theirs == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f", mine / theirs);
    }

    private static String num(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
