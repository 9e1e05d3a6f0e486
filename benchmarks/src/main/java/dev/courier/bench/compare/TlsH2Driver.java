package dev.courier.bench.compare;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Runs one workload of the TLS and HTTP/2 comparison through one client in this JVM, as {@link Driver}
 * does for the plain one, and prints the same {@code RESULT} line per measured window. The server's CA
 * is trusted through the JVM's default trust store ({@code -Djavax.net.ssl.trustStore=...}), which every
 * client here reads when it is given no trust of its own.
 *
 * <pre>
 * java -Djavax.net.ssl.trustStore=ca.p12 -Djavax.net.ssl.trustStorePassword=changeit -cp ... \
 *     dev.courier.bench.compare.TlsH2Driver --client courier-boringssl --workload tls-handshake \
 *     --url https://127.0.0.1:8443 [--server nginx] [--warmup 20] [--measure 6] [--windows 3] [--prime true]
 * </pre>
 *
 * <p>Clients: {@code courier-jdk} and {@code courier-boringssl} (Courier's own adapter, the engine chosen
 * with {@code -Dcourier.tls.engine}, which replaces the Transport's AUTO), {@code jdk}, {@code reactor},
 * {@code apache} (the plain comparison's adapters over HTTP/1.1; HTTP/2 adapters of their own in
 * {@code tlsh2}), {@code vertx} (HTTP/2 only), and for {@code idle10k-tls} also {@code ahc} and {@code jetty}
 * (their plain adapters over https; {@code --histogram N} as in {@link Driver}). The warm-up is
 * {@link Warmup}'s, with the same options as {@link Driver}'s. {@code --prime true} completes one request before the
 * load starts, so that the load finds an open connection (for HTTP/2: one whose SETTINGS are known). Exit status 0 when every window completed requests
 * without error, 1 otherwise, 2 on bad arguments.
 */
public final class TlsH2Driver {
    private TlsH2Driver() {
    }

    /** The adapter class of {@code client} for {@code workload}, or null when there is none. */
    static String adapter(String client, TlsH2Workload workload) {
        boolean h2 = workload.http2();
        switch (client) {
            case "courier-jdk":
            case "courier-boringssl":
                return "dev.courier.bench.compare.clients.CourierAdapter";
            case "jdk":
                return h2 ? "dev.courier.bench.compare.tlsh2.JdkH2Adapter" : "dev.courier.bench.compare.clients.JdkAdapter";
            case "reactor":
                return h2 ? "dev.courier.bench.compare.tlsh2.ReactorH2Adapter"
                        : "dev.courier.bench.compare.clients.ReactorNettyAdapter";
            case "apache":
                return h2 ? "dev.courier.bench.compare.tlsh2.ApacheH2Adapter" : "dev.courier.bench.compare.clients.ApacheAdapter";
            case "vertx":
                return h2 ? "dev.courier.bench.compare.tlsh2.VertxH2Adapter" : null;
            case "ahc": // HTTP/1.1 only here: idle10k-tls
                return h2 ? null : "dev.courier.bench.compare.clients.AsyncHttpClientAdapter";
            case "jetty":
                return h2 ? null : "dev.courier.bench.compare.clients.JettyAdapter";
            default:
                return null;
        }
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
        TlsH2Workload workload = TlsH2Workload.byId(opts.get("workload"));
        String adapterClass = adapter(clientName, workload);
        if (adapterClass == null) {
            usage("no client " + clientName + " for " + workload.id());
        }
        if (clientName.startsWith("courier-")) {
            // Read when the Transport is built: CourierAdapter leaves the engine to AUTO, which this replaces.
            System.setProperty("courier.tls.engine", clientName.substring("courier-".length()));
        }
        Warmup warmup = Warmup.fromOptions(opts, "20");
        double measure = Double.parseDouble(opts.getOrDefault("measure", "6"));
        int windows = Integer.parseInt(opts.getOrDefault("windows", "3"));
        String server = opts.getOrDefault("server", "nginx");
        Workload shape = workload.shape();

        ClientAdapter client = (ClientAdapter) Class.forName(adapterClass).getDeclaredConstructor().newInstance();
        client.open(URI.create(opts.get("url")), shape);
        if (shape.idleMemory()) {
            Map<String, Object> line;
            try {
                line = IdleMemory.run(client, clientName, shape, server, Integer.parseInt(opts.getOrDefault("histogram", "0")));
            } finally {
                client.close();
            }
            line.put("workload", workload.id());
            System.out.println(Driver.format(line));
            System.exit((Long) line.get("errors") == 0 && (Long) line.get("connections") > 0 ? 0 : 1);
        }
        if (Boolean.parseBoolean(opts.getOrDefault("prime", "false"))) {
            prime(client);
        }
        LoadLoop loop = new LoadLoop(client, shape.concurrency(), shape.responseBodySize());
        boolean clean = true;
        try {
            loop.start();
            warmup.run(() -> Driver.exerciseMeasurement(loop, null));
            if (loop.completed() == 0) {
                throw new IllegalStateException("no request completed during the warm-up", loop.firstError());
            }
            for (int w = 1; w <= windows; w++) {
                loop.latencies(); // drop what came before the window
                Snapshot begin = Snapshot.take(loop);
                Driver.sleep(measure);
                Snapshot end = Snapshot.take(loop);
                Histogram latencies = loop.latencies();
                Map<String, Object> line = Driver.result(clientName, client.version(), shape, server, w, begin, end, latencies);
                line.put("workload", workload.id());
                warmup.addTo(line);
                clean &= (Long) line.get("errors") == 0 && (Long) line.get("requests") > 0;
                System.out.println(Driver.format(line));
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

    /** Completes one request (30 s at most) and fails when it fails. */
    private static void prime(ClientAdapter client) throws Exception {
        java.util.concurrent.CompletableFuture<Long> first = new java.util.concurrent.CompletableFuture<>();
        client.send((bytes, error) -> {
            if (error != null) {
                first.completeExceptionally(error);
            } else {
                first.complete(bytes);
            }
        });
        first.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }


    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: TlsH2Driver --client courier-jdk|courier-boringssl|jdk|reactor|apache|vertx|ahc|jetty"
                + " --workload tls-handshake|tls-resume|tls-get1k-c16|h2-get1k-c128|h2-cold128|idle10k-tls --url https://HOST:PORT"
                + " [--server NAME] [--warmup MAX_S] [--warmup-min S] [--warmup-quiet-ms MS] [--warmup-quiet-s S]"
                + " [--measure S] [--windows N] [--prime true|false] [--histogram N]");
        System.exit(2);
    }
}
