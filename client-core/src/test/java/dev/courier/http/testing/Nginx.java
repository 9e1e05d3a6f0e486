package dev.courier.http.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real nginx (Debian's {@code /usr/sbin/nginx}) on 127.0.0.1 speaking TLS with a certificate from the
 * test CA ({@link TestCertificates#server()}, for localhost, 127.0.0.1 and ::1), one server per test class:
 * {@code @RegisterExtension static final Nginx nginx = new Nginx();}.
 *
 * <p>Two ports: {@link #h2Uri} offers h2 and http/1.1 by ALPN; {@link #http1Uri} only http/1.1. Both
 * serve the same locations:
 * <ul>
 *   <li>{@code /1k}: {@value #SMALL_BYTES} bytes ({@link #smallBody()}); {@code /large.bin}: {@value #LARGE_BYTES}
 *       random bytes ({@link #largeBody()}); {@code /text.txt}: {@link #text()}, gzipped when asked for.
 *   <li>{@code /echo}: lines {@code name: value} ({@link #parseEcho}) naming what nginx saw: the
 *       {@code user-agent}, {@code accept-encoding} and {@code host} headers, the HTTP {@code protocol},
 *       {@code tls-protocol}, {@code tls-session-reused} ("r" when resumed, else "."), {@code sni},
 *       {@code alpn}, and the {@code connection} serial number with that connection's
 *       {@code connection-requests} count, so that tests can see keep-alive reuse from the server's side.
 * </ul>
 *
 * <p>It runs as the current user in the foreground as one process ({@code daemon off; master_process off;}):
 * its configuration, PEM files, pid, logs and temporary files are in a temporary directory; keep-alive is
 * on, the access log off. The fixture waits, at most {@value #START_TIMEOUT_SECONDS} s, until both ports
 * accept connections, and stops it on close (or when the JVM exits). When nginx is missing or does not
 * start, the fixture fails (never skips) with a message saying to run {@value #INSTALL}.
 *
 * <p>Without the nginx binary but with a Docker engine, the same configuration runs in the official nginx
 * image instead ({@link NginxContainer}, Testcontainers), its ports published on 127.0.0.1; with neither,
 * the fixture fails. (No Docker engine runs where CI runs, so CI always uses the Debian binary.)
 */
public final class Nginx implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    public static final String INSTALL = "apt-get install -y nginx";
    public static final int SMALL_BYTES = 1024;
    public static final int LARGE_BYTES = (1 << 20) + 4321;
    static final int START_TIMEOUT_SECONDS = 20;
    private static final int START_ATTEMPTS = 3;
    private static final Path DEBIAN_BINARY = Path.of("/usr/sbin/nginx");
    private static final InetAddress LOOPBACK = loopback();
    private static final Pattern VERSION = Pattern.compile("nginx/(\\d+)\\.(\\d+)\\.(\\d+)");

    private final TestCertificates certs = TestCertificates.get();
    private Process process;
    private NginxContainer container;
    private Path dir;
    private Thread shutdownHook;
    private int h2Port = -1;
    private int http1Port = -1;
    private byte[] small;
    private byte[] large;
    private String text;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** {@code https://127.0.0.1:PORT} + {@code path} on the port that offers h2 and http/1.1 by ALPN. */
    public URI h2Uri(String path) {
        return URI.create("https://127.0.0.1:" + h2Port() + path);
    }

    /** {@code https://127.0.0.1:PORT} + {@code path} on the port that speaks only http/1.1. */
    public URI http1Uri(String path) {
        return URI.create("https://127.0.0.1:" + http1Port() + path);
    }

    public int h2Port() {
        running();
        return h2Port;
    }

    public int http1Port() {
        running();
        return http1Port;
    }

    /** The test CA's certificate, PEM, to trust nginx with {@code trustPem}. */
    public Path caPem() {
        running();
        return dir.resolve("ca.pem");
    }

    /** The body of {@code /1k}. */
    public byte[] smallBody() {
        running();
        return small.clone();
    }

    /** The body of {@code /large.bin}. */
    public byte[] largeBody() {
        running();
        return large.clone();
    }

    /** The body of {@code /text.txt}, served gzipped to clients that accept it. */
    public String text() {
        running();
        return text;
    }

    /** The {@code name: value} lines of an {@code /echo} body, in order. */
    public static Map<String, String> parseEcho(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 2));
            } else if (line.endsWith(":")) {
                fields.put(line.substring(0, line.length() - 1), "");
            }
        }
        return fields;
    }

    private void running() {
        if (process == null && container == null) {
            throw new IllegalStateException("nginx is not running (register Nginx as a static @RegisterExtension field)");
        }
    }

    private synchronized void start() {
        if (process != null || container != null) {
            return;
        }
        Path nginx = binaryOrNull();
        if (nginx == null) {
            if (!NginxContainer.dockerAvailable()) {
                throw new AssertionError("nginx was found neither at " + DEBIAN_BINARY + " nor on PATH, and no Docker "
                        + "engine answers for the container fallback; the nginx tests need Debian's nginx: " + INSTALL);
            }
            startContainer();
            return;
        }
        String version = version(nginx);
        try {
            dir = Files.createTempDirectory("courier-nginx");
            writeContent();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare nginx's directory", e);
        }
        shutdownHook = new Thread(this::kill, "nginx-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        AssertionError last = null;
        // The ports are free when chosen but could be taken before nginx binds them: try again with others.
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                launch(nginx, version);
                return;
            } catch (AssertionError e) {
                last = e;
                kill();
                process = null;
                if (!e.getMessage().contains("Address already in use")) {
                    break;
                }
            }
        }
        close();
        throw last;
    }

    /** The fallback: the same configuration in the official image, the fixture's directory mounted. */
    private void startContainer() {
        try {
            dir = Files.createTempDirectory("courier-nginx");
            writeContent();
            h2Port = freePort();
            http1Port = freePort();
            while (http1Port == h2Port) {
                http1Port = freePort();
            }
            // Inside the container nginx binds every interface of its own network; Docker publishes on 127.0.0.1.
            Files.writeString(dir.resolve("nginx.conf"), config(NginxContainer.VERSION).replace("listen 127.0.0.1:", "listen "));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare nginx's directory", e);
        }
        container = new NginxContainer(dir, h2Port, http1Port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (!(accepts(h2Port) && accepts(http1Port))) {
            if (System.nanoTime() > deadline) {
                close();
                throw new AssertionError("nginx in " + NginxContainer.IMAGE + " did not accept connections on ports "
                        + h2Port + " and " + http1Port + " within " + START_TIMEOUT_SECONDS + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private void launch(Path nginx, String version) {
        h2Port = freePort();
        http1Port = freePort();
        while (http1Port == h2Port) {
            http1Port = freePort();
        }
        Path log = dir.resolve("error.log");
        try {
            Files.deleteIfExists(log);
            Files.writeString(dir.resolve("nginx.conf"), config(version));
            process = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                    "-e", log.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new AssertionError("could not start " + nginx + " (" + INSTALL + "): " + e, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited with status " + process.exitValue() + " before serving; is it "
                        + "installed and working (" + INSTALL + ")?\n" + logs());
            }
            if (accepts(h2Port) && accepts(http1Port)) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("nginx did not accept connections on ports " + h2Port + " and " + http1Port + " within "
                + START_TIMEOUT_SECONDS + " s (" + INSTALL + ")\n" + logs());
    }

    private void writeContent() throws IOException {
        Files.writeString(dir.resolve("ca.pem"), certs.ca().getCertificatePEM(), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("server-chain.pem"), certs.server().getCertificatePathPEM(), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("server-key.pem"), certs.server().getPrivateKeyPEM(), StandardCharsets.US_ASCII);
        Path www = Files.createDirectories(dir.resolve("www"));
        small = new byte[SMALL_BYTES];
        for (int i = 0; i < small.length; i++) {
            small[i] = (byte) ('a' + i % 26);
        }
        large = new byte[LARGE_BYTES];
        new Random(4).nextBytes(large);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 64 * 1024; i++) {
            sb.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog\n");
        }
        text = sb.toString();
        Files.write(www.resolve("1k"), small);
        Files.write(www.resolve("large.bin"), large);
        Files.writeString(www.resolve("text.txt"), text, StandardCharsets.US_ASCII);
    }

    private String config(String version) {
        // "http2 on" came with nginx 1.25.1; older ones (Debian 12 has 1.22) take it as a listen parameter.
        boolean http2Directive = compare(version, 1, 25, 1) >= 0;
        String d = dir.toString();
        String echo = String.join("\\n",
                "user-agent: $http_user_agent", "accept-encoding: $http_accept_encoding", "host: $host",
                "protocol: $server_protocol", "tls-protocol: $ssl_protocol", "tls-session-reused: $ssl_session_reused",
                "sni: $ssl_server_name", "alpn: $ssl_alpn_protocol", "connection: $connection",
                "connection-requests: $connection_requests") + "\\n";
        String locations = "        root " + d + "/www;\n"
                + "        location = /1k { }\n"
                + "        location = /large.bin { }\n"
                + "        location = /text.txt { }\n"
                + "        location = /echo { default_type text/plain; return 200 \"" + echo + "\"; }\n";
        return "daemon off;\n"
                + "master_process off;\n"
                + "worker_processes 1;\n"
                + "pid " + d + "/nginx.pid;\n"
                + "error_log " + d + "/error.log warn;\n"
                + "events { worker_connections 256; }\n"
                + "http {\n"
                + "    access_log off;\n"
                + "    client_body_temp_path " + d + "/client_body;\n"
                + "    proxy_temp_path " + d + "/proxy;\n"
                + "    fastcgi_temp_path " + d + "/fastcgi;\n"
                + "    uwsgi_temp_path " + d + "/uwsgi;\n"
                + "    scgi_temp_path " + d + "/scgi;\n"
                + "    types { text/plain txt; }\n"
                + "    default_type application/octet-stream;\n"
                + "    keepalive_timeout 60s;\n"
                + "    keepalive_requests 1000;\n"
                + "    gzip on;\n"
                + "    gzip_types text/plain;\n"
                + "    gzip_min_length 256;\n"
                + "    ssl_certificate " + d + "/server-chain.pem;\n"
                + "    ssl_certificate_key " + d + "/server-key.pem;\n"
                + "    ssl_protocols TLSv1.2 TLSv1.3;\n"
                + "    ssl_session_cache shared:courier:1m;\n"
                + "    ssl_session_tickets on;\n"
                + "    server {\n"
                + "        listen 127.0.0.1:" + h2Port + " ssl" + (http2Directive ? ";\n        http2 on;\n" : " http2;\n")
                + locations
                + "    }\n"
                + "    server {\n"
                + "        listen 127.0.0.1:" + http1Port + " ssl;\n"
                + locations
                + "    }\n"
                + "}\n";
    }

    private static Path binaryOrNull() {
        if (Files.isExecutable(DEBIAN_BINARY)) {
            return DEBIAN_BINARY;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String p : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(p.isEmpty() ? "." : p, "nginx");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** "1.22.1" from {@code nginx -v}. */
    private static String version(Path nginx) {
        try {
            Process p = new ProcessBuilder(nginx.toString(), "-v").redirectErrorStream(true).start();
            String out;
            try (var in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                throw new AssertionError(nginx + " -v printed no version (" + out.trim() + "); reinstall it: " + INSTALL);
            }
            return m.group(1) + "." + m.group(2) + "." + m.group(3);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + nginx + " -v (" + INSTALL + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while asking " + nginx + " for its version", e);
        }
    }

    private static int compare(String version, int major, int minor, int patch) {
        String[] v = version.split("\\.");
        int[] have = {Integer.parseInt(v[0]), Integer.parseInt(v[1]), Integer.parseInt(v[2])};
        int[] want = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (have[i] != want[i]) {
                return Integer.compare(have[i], want[i]);
            }
        }
        return 0;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        for (String name : new String[] {"error.log", "stdout.log"}) {
            Path f = dir.resolve(name);
            try {
                if (Files.exists(f)) {
                    String s = Files.readString(f, StandardCharsets.UTF_8);
                    sb.append("--- nginx ").append(name).append(" ---\n")
                            .append(s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000));
                }
            } catch (IOException e) {
                sb.append("(cannot read ").append(f).append(": ").append(e).append(")\n");
            }
        }
        return sb.toString();
    }

    /** Stops nginx (TERM, then KILL after 5 s) and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        kill();
        process = null;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs (or ran) anyway
            }
            shutdownHook = null;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
            dir = null;
        }
    }

    private void kill() {
        NginxContainer c = container;
        container = null;
        if (c != null) {
            c.close();
        }
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
