package dev.courier.examples;

import java.io.PrintStream;

/** A one-line download progress bar with bytes, rate and ETA, redrawn at most ten times a second. */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw;

    ProgressBar(PrintStream out, long total) {
        this.out = out;
        this.total = total;
    }

    void advance(long bytes) {
        done += bytes;
        long now = System.nanoTime();
        if (now - lastDraw > 100_000_000L) {
            lastDraw = now;
            out.print("\r" + line(now));
            out.flush();
        }
    }

    void finish() {
        out.println("\r" + line(System.nanoTime()));
    }

    String line(long now) {
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        double rate = done / seconds;
        StringBuilder sb = new StringBuilder();
        if (total > 0) {
            int filled = (int) (WIDTH * Math.min(1.0, (double) done / total));
            sb.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ");
            sb.append(String.format("%3d%% ", (int) (100.0 * done / total)));
        }
        sb.append(human(done)).append(total > 0 ? " / " + human(total) : "");
        sb.append("  ").append(human((long) rate)).append("/s");
        if (total > 0 && rate > 0) {
            long eta = (long) ((total - done) / rate);
            sb.append(String.format("  ETA %d:%02d", eta / 60, eta % 60));
        }
        return sb.toString();
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
