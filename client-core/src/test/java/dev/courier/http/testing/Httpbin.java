package dev.courier.http.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real httpbin (Debian's {@code python3-httpbin} 0.7.0) served by {@code gunicorn} on 127.0.0.1, one
 * server per test class: {@code @RegisterExtension static final Httpbin httpbin = new Httpbin();}.
 *
 * <p>It runs {@code gunicorn -b 127.0.0.1:0 -w 2 -k gthread --threads 4 --graceful-timeout 1 httpbin:app}:
 * port 0 lets the kernel pick a free port with no window for another process to take it (gunicorn logs
 * the port it got, "Listening at: http://127.0.0.1:PORT"); the gthread worker keeps connections alive
 * (gunicorn's default keep-alive of 2 s), so tests can see connection reuse, which the default sync
 * worker never allows. The fixture waits, at most {@value #START_TIMEOUT_SECONDS} s, until {@code GET /get}
 * answers 200, and on close stops the master and its workers.
 *
 * <p>When gunicorn or httpbin is missing, starting fails (never skips) with a message saying how to
 * install them: {@value #INSTALL}.
 */
public final class Httpbin implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    public static final String INSTALL = "apt-get install -y python3-httpbin gunicorn";
    static final int START_TIMEOUT_SECONDS = 20;
    private static final Pattern LISTENING = Pattern.compile("Listening at: http://127\\.0\\.0\\.1:(\\d+)");

    private Process process;
    private Path log;
    private Path workDir;
    private Thread shutdownHook;
    private int port = -1;

    /** Starts a server now, for use outside JUnit's extension model; close it when done. */
    public static Httpbin start() {
        Httpbin h = new Httpbin();
        h.startServer();
        return h;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startServer();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code pathAndQuery} (which starts with '/'). */
    public URI uri(String pathAndQuery) {
        return URI.create(base() + pathAndQuery);
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String base() {
        if (port < 0) {
            throw new IllegalStateException("httpbin is not running (register Httpbin as a static @RegisterExtension field)");
        }
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        base();
        return port;
    }

    private synchronized void startServer() {
        if (process != null) {
            return;
        }
        Path gunicorn = findOnPath("gunicorn");
        if (gunicorn == null) {
            throw new AssertionError("gunicorn was not found on PATH (" + System.getenv("PATH") + "); the httpbin tests need "
                    + "Debian's python3-httpbin served by gunicorn: " + INSTALL);
        }
        try {
            workDir = Files.createTempDirectory("httpbin");
            log = workDir.resolve("gunicorn.log");
            ProcessBuilder pb = new ProcessBuilder(gunicorn.toString(), "-b", "127.0.0.1:0", "-w", "2", "-k", "gthread",
                    "--threads", "4", "--graceful-timeout", "1", "httpbin:app")
                    .directory(workDir.toFile()) // no stray ./gunicorn.conf.py is picked up
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.remove("GUNICORN_CMD_ARGS");
            process = pb.start();
        } catch (IOException e) {
            throw new AssertionError("could not start " + gunicorn + " for httpbin (" + INSTALL + "): " + e, e);
        }
        shutdownHook = new Thread(this::kill, "httpbin-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitReady();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String out = logText();
                String why = out.contains("No module named 'httpbin'") ? "python3 cannot import httpbin"
                        : "gunicorn exited with status " + process.exitValue();
                throw new AssertionError(why + " before serving httpbin; install the peer with: " + INSTALL
                        + "\n--- gunicorn output ---\n" + tail(out));
            }
            if (port < 0) {
                Matcher m = LISTENING.matcher(logText());
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            if (port >= 0) {
                try {
                    int status = probe();
                    if (status == 200) {
                        return;
                    }
                    lastProblem = "GET /get answered " + status;
                } catch (IOException e) {
                    lastProblem = "GET /get failed: " + e;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new AssertionError("httpbin under gunicorn did not answer GET /get within " + START_TIMEOUT_SECONDS + " s ("
                + lastProblem + "); is it installed (" + INSTALL + ")?\n--- gunicorn output ---\n" + tail(logText()));
    }

    /** GET /get with the JDK's own client, so a Courier bug cannot make the fixture look broken. */
    private int probe() throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri("/get").toURL().openConnection(Proxy.NO_PROXY);
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        c.setRequestProperty("Connection", "close");
        try {
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            return status;
        } finally {
            c.disconnect();
        }
    }

    /** Stops gunicorn: TERM to the master (its workers get a 1 s grace), then KILL whatever is left. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs (or ran) anyway
        }
        deleteQuietly(log);
        deleteQuietly(workDir);
        process = null;
        port = -1;
    }

    private void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        // Collect the workers first: once the master is gone they are no longer its descendants.
        List<ProcessHandle> workers = new ArrayList<>();
        p.descendants().forEach(workers::add);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle w : workers) {
                if (w.isAlive()) {
                    w.destroyForcibly();
                    w.onExit().get(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            workers.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            workers.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }

    private static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
