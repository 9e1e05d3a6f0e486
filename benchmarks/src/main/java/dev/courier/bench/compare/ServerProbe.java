package dev.courier.bench.compare;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened outside the client during a window, read from the server and the kernel rather than
 * believed from the client: how many requests the server counted (its status page), how much CPU the
 * server's processes used, and how busy the rest of the machine was (other work sharing the two cores:
 * a window measured beside a build is not comparable with a quiet one; the figure comes from tick-sampled
 * /proc/stat, so it is approximate and clamped at 0).
 *
 * <p>The status page is nginx's {@code stub_status} format (BenchServer answers {@code /status} the same
 * way); its third line's third number counts requests, including the status request itself. Each reading
 * opens a connection of its own, which the server's count of accepted connections includes: the probe counts
 * them ({@link #connections()}), so that the runner can tell the client's connections from the probe's.
 */
final class ServerProbe {
    private final InetSocketAddress statusAddress;
    private final String statusPath;
    private final List<Path> serverStats = new ArrayList<>();
    /** Online CPUs as /proc/stat lists them (not the JVM's container-limited count). */
    private static volatile int cpus;
    /** Connections this probe opened to the server so far (read by the thread that reads). */
    private int connections;

    /** {@code statusUrl} and {@code serverPids} may be null or empty: then those figures are absent ("na"). */
    ServerProbe(String statusUrl, String serverPids) {
        if (statusUrl != null && !statusUrl.isEmpty()) {
            URI u = URI.create(statusUrl);
            statusAddress = new InetSocketAddress(u.getHost(), u.getPort());
            statusPath = u.getRawPath();
        } else {
            statusAddress = null;
            statusPath = null;
        }
        if (serverPids != null) {
            for (String pid : serverPids.split(",")) {
                if (!pid.isBlank()) {
                    serverStats.add(Path.of("/proc", pid.trim(), "stat"));
                }
            }
        }
    }

    /** One reading; fields are -1 where unknown. */
    static final class Reading {
        final long serverRequests;
        final long serverTicks;
        final long machineBusyTicks;
        final long machineTotalTicks;
        /** When the server's count was read (just after its answer arrived). */
        final long nanos;

        Reading(long serverRequests, long serverTicks, long machineBusyTicks, long machineTotalTicks) {
            this.nanos = System.nanoTime();
            this.serverRequests = serverRequests;
            this.serverTicks = serverTicks;
            this.machineBusyTicks = machineBusyTicks;
            this.machineTotalTicks = machineTotalTicks;
        }
    }

    Reading read() {
        long[] machine = machineTicks();
        return new Reading(serverRequests(), serverTicks(), machine[0], machine[1]);
    }

    /** The server's request count, or -1 without a status URL; a failure to read it is reported as -1 too. */
    private long serverRequests() {
        if (statusAddress == null) {
            return -1;
        }
        try (Socket s = new Socket()) {
            s.connect(statusAddress, 2000);
            connections++;
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + statusPath + " HTTP/1.0\r\nHost: " + statusAddress.getHostString() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            in.transferTo(body);
            return parseRequests(body.toString(StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot read the server's status at " + statusAddress + statusPath + ": " + e);
            return -1;
        }
    }

    /** Connections opened to the server's status page so far: the server counts them among those it accepted. */
    int connections() {
        return connections;
    }

    /** The requests figure of a stub_status page: the third number after "server accepts handled requests". */
    static long parseRequests(String page) {
        int at = page.indexOf("server accepts handled requests");
        if (at < 0) {
            throw new IllegalArgumentException("not a stub_status page: " + page.substring(0, Math.min(200, page.length())));
        }
        String[] numbers = page.substring(page.indexOf('\n', at) + 1).trim().split("\\s+");
        return Long.parseLong(numbers[2]);
    }

    /** utime + stime of the server's processes, in clock ticks; -1 without pids. */
    private long serverTicks() {
        if (serverStats.isEmpty()) {
            return -1;
        }
        long sum = 0;
        for (Path stat : serverStats) {
            try {
                String s = Files.readString(stat);
                // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return sum;
    }

    /** {busy, total} ticks of all CPUs from /proc/stat's first line ({-1, -1} off Linux). */
    private static long[] machineTicks() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            if (cpus == 0) {
                cpus = (int) lines.stream().filter(l -> l.matches("cpu[0-9]+ .*")).count();
            }
            String[] f = lines.get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            // Busy: user, nice, system and steal (another VM's). Not irq and softirq: loopback traffic is
            // mostly softirq time the client and server cause but are not charged for.
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[8]);
            return new long[] {busy, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /**
     * Adds {@code server_requests} over {@code server_seconds} (the time between the two readings, which
     * bracket the client's window: compare the rates, not the counts), {@code server_cpu_us_per_req} and
     * {@code other_cores} (the CPUs busy with neither this client nor the server, on average over the
     * window) to a RESULT line.
     */
    static void addTo(java.util.Map<String, Object> line, Reading begin, Reading end, double seconds,
                      double clientCores, long requests) {
        line.put("server_requests", begin.serverRequests < 0 || end.serverRequests < 0 ? "na"
                : Long.toString(end.serverRequests - begin.serverRequests - 1)); // minus the closing status request
        line.put("server_seconds", (end.nanos - begin.nanos) / 1e9);
        boolean machine = begin.machineTotalTicks >= 0 && end.machineTotalTicks > begin.machineTotalTicks;
        // Ticks per second of one CPU, from the machine's own total, so that USER_HZ need not be known.
        double tickHz = machine ? (end.machineTotalTicks - begin.machineTotalTicks) / seconds / cpus : Double.NaN;
        double serverCores = begin.serverTicks < 0 || end.serverTicks < 0 || !machine ? Double.NaN
                : (end.serverTicks - begin.serverTicks) / tickHz / seconds;
        line.put("server_cpu_us_per_req", Double.isNaN(serverCores) ? "na" : (Object) (serverCores * seconds * 1e6 / Math.max(1, requests)));
        if (machine) {
            double busy = (end.machineBusyTicks - begin.machineBusyTicks) / tickHz / seconds;
            line.put("other_cores", Math.max(0, busy - clientCores - (Double.isNaN(serverCores) ? 0 : serverCores)));
        } else {
            line.put("other_cores", "na");
        }
    }
}
