package dev.courier.bench.soak;

import dev.courier.http.RequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * How the soak's requests ended, counted by protocol, kind and outcome, and which of them the soak did not expect:
 * a clean request that did not end well, a faulty one that ended in anything but a {@code RequestException} (or a
 * response, where its kind allows one), a body that differed from what the server sent. Thread-safe.
 */
final class Outcomes {
    private static final int MAX_SAMPLES = 50;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    final LongAdder ended = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder unexpected = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    private final List<String> samples = new ArrayList<>();

    /** Records the end of {@code plan}: {@code outcome} is ok, cancelled, closed, abandoned, or corrupt: ... */
    void ended(Plan plan, String outcome, long bytes) {
        boolean expected = outcome.equals("ok") ? plan.kind().mayEndWell
                : plan.kind() == Kind.CLEAN && (outcome.equals("cancelled") || outcome.equals("closed")
                        || outcome.equals("abandoned"));
        count(plan, outcome, expected, null);
        bytesReceived.add(bytes);
        if (outcome.equals("ok")) {
            ok.increment();
        }
    }

    /** Records the end of {@code plan} in {@code failure}. */
    void failed(Plan plan, Throwable failure) {
        Throwable t = unwrap(failure);
        failed.increment();
        if (t instanceof RequestException e) {
            String outcome = e.phase().name() + (e.isTimeout() ? " timeout" : "");
            count(plan, outcome, plan.kind() != Kind.CLEAN, e);
        } else {
            count(plan, "untyped " + t.getClass().getSimpleName(), false, t);
        }
    }

    private void count(Plan plan, String outcome, boolean expected, Throwable cause) {
        counts.computeIfAbsent(plan.proto().label + "\t" + plan.kind() + "\t" + outcome, k -> new LongAdder())
                .increment();
        ended.increment();
        if (!expected) {
            unexpected.increment();
            synchronized (samples) {
                if (samples.size() < MAX_SAMPLES) {
                    samples.add(plan + " -> " + outcome + (cause == null ? "" : ": " + describe(cause)));
                }
            }
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t));
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            sb.append(" <- ").append(c);
            if (c.getCause() == c) {
                break;
            }
        }
        if (t instanceof CancellationException || !(t instanceof RequestException)) {
            StackTraceElement[] st = t.getStackTrace();
            for (int i = 0; i < Math.min(8, st.length); i++) {
                sb.append("\n      at ").append(st[i]);
            }
        }
        return sb.toString();
    }

    /** "proto\tkind\toutcome" -> count, sorted. */
    Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    List<String> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
