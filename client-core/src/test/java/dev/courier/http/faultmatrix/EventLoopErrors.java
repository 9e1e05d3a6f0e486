package dev.courier.http.faultmatrix;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches standard error (where slf4j-simple, the tests' logging, writes) for an exception that escaped to one of
 * Courier's event loops: Netty logs a task that threw ("A task raised an exception") and an exception no handler
 * took ("reached at the tail of the pipeline"). Either means a failure went past the exchange it belonged to.
 */
final class EventLoopErrors {
    private static final String[] ESCAPED = {"A task raised an exception", "reached at the tail of the pipeline"};

    private PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    void start() {
        original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    void stop() {
        if (original != null) {
            System.setErr(original);
            original = null;
        }
    }

    /** Fails listing the log lines (and the lines after each) that report an exception escaped on a client loop. */
    void assertNone() {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = text.lines().toList();
        List<String> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("[courier-")) {
                continue;
            }
            for (String marker : ESCAPED) {
                if (line.contains(marker)) {
                    found.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + 4))));
                }
            }
        }
        if (!found.isEmpty()) {
            throw new AssertionError("an exception escaped to a client event loop:\n" + String.join("\n\n", found));
        }
    }
}
