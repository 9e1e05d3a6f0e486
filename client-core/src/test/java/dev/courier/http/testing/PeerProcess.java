package dev.courier.http.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A Debian daemon that a test starts on 127.0.0.1 as a child process (the model is {@link Httpbin}): its
 * configuration written to a temporary directory, a free port, ready once that port accepts a TCP
 * connection (at most {@value #START_TIMEOUT_SECONDS} s); {@link #close()} kills it and its children and
 * deletes the directory. A missing binary fails (never skips) with the apt-get line that installs it.
 *
 * <p>The port is found by binding port 0 and closing it before the daemon starts, since these daemons
 * cannot report a kernel-chosen port; if another process takes it in between, the daemon exits and the
 * start is retried on a new port (at most {@value #ATTEMPTS} times).
 */
public final class PeerProcess implements AutoCloseable {
    static final int START_TIMEOUT_SECONDS = 15;
    private static final int ATTEMPTS = 3;

    /** Writes the daemon's configuration into {@code dir} for {@code port} and returns its command line. */
    @FunctionalInterface
    public interface Command {
        List<String> prepare(Path binary, Path dir, int port) throws IOException;
    }

    private final String name;
    private final Process process;
    private final Path dir;
    private final Path log;
    private final int port;

    private PeerProcess(String name, Process process, Path dir, Path log, int port) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code binary} (looked up on PATH, then in /usr/sbin and /usr/bin) as {@code command} says;
     * {@code install} is the apt-get line named when it is missing or does not start.
     */
    public static PeerProcess start(String name, String binary, String install, Command command) {
        Path exe = find(binary);
        if (exe == null) {
            throw new AssertionError(binary + " was not found on PATH (" + System.getenv("PATH") + ") nor in /usr/sbin, "
                    + "/usr/bin; the proxy tests need Debian's " + name + ": " + install);
        }
        AssertionError last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Path dir = null;
            Process p = null;
            try {
                dir = Files.createTempDirectory("courier-" + name.replace(' ', '-'));
                int port = freePort();
                Path log = dir.resolve("output.log");
                List<String> cmd = command.prepare(exe, dir, port);
                p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                PeerProcess peer = new PeerProcess(name, p, dir, log, port);
                String problem = peer.awaitReady();
                if (problem == null) {
                    return peer;
                }
                last = new AssertionError(name + " (" + String.join(" ", cmd) + ") " + problem + "; is it installed ("
                        + install + ")?\n--- " + name + " output ---\n" + peer.output());
                peer.close();
            } catch (IOException e) {
                last = new AssertionError("could not start " + name + " (" + install + "): " + e, e);
                if (p != null) {
                    p.destroyForcibly();
                }
                deleteTree(dir);
            }
        }
        throw last;
    }

    /** The port the daemon listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The daemon's output so far (its log goes to stderr/stdout), at most the last 4000 characters. */
    public String output() {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Null once the port accepts connections; else why not (the daemon exited, or the time ran out). */
    private String awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                return "exited with status " + process.exitValue() + " before listening on 127.0.0.1:" + port;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return null;
            } catch (IOException notYet) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        return "did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT_SECONDS + " s";
    }

    /** Kills the daemon and whatever it forked, then deletes its directory. Idempotent. */
    @Override
    public void close() {
        List<ProcessHandle> children = new ArrayList<>();
        process.descendants().forEach(children::add);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                    child.onExit().get(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        deleteTree(dir);
    }

    @Override
    public String toString() {
        return name + " on 127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Path find(String binary) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.add("/usr/sbin");
        dirs.add("/usr/bin");
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // likewise
        }
    }
}
