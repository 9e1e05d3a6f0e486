package dev.courier.bench.compare;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;

/**
 * The idle-memory workload: how much heap and direct memory a client holds per idle pooled keep-alive
 * connection. The client first completes a few requests (its classes load, its lazy structures exist),
 * then, after full GCs, the heap, direct memory and open sockets are read; then it sends the workload's
 * concurrency in requests at once to a path the server answers slowly (nginx's {@code limit_rate}: each
 * takes a few seconds), so that every one needs its own connection; when all have ended their
 * connections sit idle in the pool, and after full GCs the same is read again. The difference divided by
 * the sockets it opened is the cost of one idle connection.
 *
 * <p>Heap is the used heap after {@link System#gc()}; direct memory is the JDK's "direct" buffer pool,
 * plus, when Netty allocates direct buffers without a cleaner ({@code useDirectBufferNoCleaner()}, which
 * the JDK does not count), Netty's counter of those ({@code PlatformDependent.usedDirectMemory()});
 * otherwise that counter only repeats part of the JDK's figure (Netty 4.2 counts its cleaner-backed
 * buffers too) and is reported, not added. Netty's pooled allocators' direct memory is reported besides,
 * not added: their chunks are in those figures already. Kernel socket buffers are not
 * counted: they are the same for every client.
 *
 * <p>Memory a native library holds (BoringSSL's per-connection state, through netty-tcnative) is in
 * neither figure, so the process's resident memory outside the Java heap is read too
 * ({@code /proc/self/smaps}: every mapping's Rss but the heap's): {@code rss_outside_heap_kib_per_conn}.
 * It also holds direct memory, thread stacks, metaspace and code, and memory malloc freed but kept, so
 * it is an upper bound of what the connections hold outside the heap.
 */
final class IdleMemory {
    /** Requests (and so, connections at most) completed before the baseline reading. */
    private static final int WARM_REQUESTS = 16;
    private static final long WAIT_SECONDS = 180;

    private IdleMemory() {
    }

    /** Runs the workload and returns its RESULT fields; prints the heap histogram's top classes if {@code histogramTop > 0}. */
    static Map<String, Object> run(ClientAdapter client, String clientName, Workload workload, String server,
                                   int histogramTop) throws Exception {
        long t0 = System.nanoTime();
        Batch warm = Batch.send(client, WARM_REQUESTS, workload.responseBodySize());
        warm.await("warm-up");
        Reading before = Reading.take();
        Map<String, long[]> histoBefore = histogramTop > 0 ? histogram() : null;

        long t1 = System.nanoTime();
        // The first requests take the warm-up's idle connections, the others open new ones: the pool (of
        // the workload's concurrency) then holds that many, all idle.
        Batch batch = Batch.send(client, workload.concurrency(), workload.responseBodySize());
        batch.await("opening " + workload.concurrency() + " connections");
        double openSeconds = (System.nanoTime() - t1) / 1e9;
        // Some clients return a connection to their pool just after reporting the response's end.
        Thread.sleep(1000);
        Reading after = Reading.take();
        Map<String, long[]> histoAfter = histogramTop > 0 ? histogram() : null;

        long conns = after.sockets - before.sockets;
        double per = Math.max(1, conns);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client", clientName);
        m.put("version", client.version().replace(' ', '_'));
        m.put("workload", workload.id());
        m.put("server", server);
        m.put("window", 1);
        m.put("seconds", (System.nanoTime() - t0) / 1e9);
        m.put("requests", (long) (WARM_REQUESTS + workload.concurrency()));
        m.put("errors", warm.errors.get() + batch.errors.get());
        m.put("open_seconds", openSeconds);
        m.put("connections", conns);
        m.put("heap_kib_per_conn", (after.heap - before.heap) / per / 1024);
        m.put("direct_kib_per_conn", (after.direct() - before.direct()) / per / 1024);
        m.put("total_kib_per_conn", (after.heap + after.direct() - before.heap - before.direct()) / per / 1024);
        m.put("rss_outside_heap_kib_per_conn", before.rssOutsideHeap < 0 || after.rssOutsideHeap < 0 ? "na"
                : String.format(java.util.Locale.ROOT, "%.3f", (after.rssOutsideHeap - before.rssOutsideHeap) / per / 1024));
        m.put("sockets_before", before.sockets);
        m.put("sockets_after", after.sockets);
        m.put("heap_before", before.heap);
        m.put("heap_after", after.heap);
        m.put("jdk_direct_before", before.jdkDirect);
        m.put("jdk_direct_after", after.jdkDirect);
        m.put("netty_direct_before", before.nettyDirect);
        m.put("netty_direct_after", after.nettyDirect);
        m.put("netty_pooled_direct_before", before.nettyPooledDirect);
        m.put("netty_pooled_direct_after", after.nettyPooledDirect);
        m.put("netty_no_cleaner", after.nettyNoCleaner);
        if (histoBefore != null) {
            printHistogramDiff(clientName, histoBefore, histoAfter, conns, histogramTop);
        }
        return m;
    }

    /** {@code n} requests sent at once, each counted down when it ends. */
    private static final class Batch implements Completion {
        final CountDownLatch ended;
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();
        private final long expectedBytes;

        private Batch(int n, long expectedBytes) {
            this.ended = new CountDownLatch(n);
            this.expectedBytes = expectedBytes;
        }

        static Batch send(ClientAdapter client, int n, long expectedBytes) {
            Batch b = new Batch(n, expectedBytes);
            for (int i = 0; i < n; i++) {
                try {
                    client.send(b);
                } catch (RuntimeException e) {
                    b.complete(-1, e);
                }
            }
            return b;
        }

        @Override
        public void complete(long bodyBytes, Throwable error) {
            if (error == null && bodyBytes != expectedBytes) {
                error = new IllegalStateException("read " + bodyBytes + " body bytes, expected " + expectedBytes);
            }
            if (error != null) {
                errors.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
            ended.countDown();
        }

        void await(String what) throws InterruptedException {
            if (!ended.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(what + ": " + ended.getCount() + " requests had not ended after "
                        + WAIT_SECONDS + " s", firstError.get());
            }
            if (firstError.get() != null) {
                System.err.println(what + ": " + errors.get() + " requests failed; the first failure:");
                firstError.get().printStackTrace();
            }
        }
    }

    /** Memory and sockets after full collections. */
    private static final class Reading {
        long heap;
        long jdkDirect;
        long nettyDirect;
        long nettyPooledDirect;
        boolean nettyNoCleaner;
        long sockets;
        long rssOutsideHeap;

        static Reading take() throws InterruptedException, IOException {
            // Twice, with a pause: direct buffers are freed by their cleaners after the collection that
            // found them unreachable, on the reference handler thread.
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            Reading r = new Reading();
            r.heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if ("direct".equals(pool.getName())) {
                    r.jdkDirect += pool.getMemoryUsed();
                }
            }
            r.nettyDirect = Math.max(0, nettyLong("io.netty.util.internal.PlatformDependent", "usedDirectMemory"));
            r.nettyNoCleaner = nettyBoolean("io.netty.util.internal.PlatformDependent", "useDirectBufferNoCleaner");
            r.nettyPooledDirect = nettyPooledDirect();
            r.sockets = sockets();
            r.rssOutsideHeap = rssOutsideHeap();
            return r;
        }

        long direct() {
            return jdkDirect + (nettyNoCleaner ? nettyDirect : 0);
        }
    }

    /** A static no-argument long method of Netty, or -1 when this client's classpath has no Netty. */
    private static long nettyLong(String className, String method) {
        try {
            return ((Number) Class.forName(className).getMethod(method).invoke(null)).longValue();
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }

    /** A static no-argument boolean method of Netty; false when this client's classpath has no Netty. */
    private static boolean nettyBoolean(String className, String method) {
        try {
            return (Boolean) Class.forName(className).getMethod(method).invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    /** Direct memory held by Netty's default pooled and default allocators (the same one counted once). */
    private static long nettyPooledDirect() {
        long sum = 0;
        List<Object> seen = new ArrayList<>();
        for (String[] holder : new String[][] {{"io.netty.buffer.PooledByteBufAllocator", "DEFAULT"},
                {"io.netty.buffer.ByteBufAllocator", "DEFAULT"}}) {
            try {
                Object alloc = Class.forName(holder[0]).getField(holder[1]).get(null);
                if (seen.stream().anyMatch(o -> o == alloc)) {
                    continue;
                }
                seen.add(alloc);
                Class<?> provider = Class.forName("io.netty.buffer.ByteBufAllocatorMetricProvider");
                if (!provider.isInstance(alloc)) {
                    continue;
                }
                Object metric = provider.getMethod("metric").invoke(alloc);
                Method used = Class.forName("io.netty.buffer.ByteBufAllocatorMetric").getMethod("usedDirectMemory");
                sum += ((Number) used.invoke(metric)).longValue();
            } catch (ReflectiveOperationException | LinkageError e) {
                return seen.isEmpty() ? -1 : sum;
            }
        }
        return sum;
    }

    /**
     * Resident bytes of every mapping of this process outside the Java heap, or -1 when unknown. The heap
     * is one reservation of -Xmx (the runner sets -Xms = -Xmx) that the kernel may show split in a few
     * mappings: the largest mapping of at least 90 % of the maximum heap is its start, and every mapping
     * starting inside [start, start + max heap) is the heap's.
     */
    private static long rssOutsideHeap() {
        long max = Runtime.getRuntime().maxMemory();
        List<long[]> mappings = new ArrayList<>(); // {start, size in bytes, rss in bytes}
        try {
            long[] current = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                    current = new long[] {Long.parseUnsignedLong(line.substring(0, dash), 16), 0, 0};
                    mappings.add(current);
                } else if (current != null && line.startsWith("Size:")) {
                    current[1] = kib(line) * 1024;
                } else if (current != null && line.startsWith("Rss:")) {
                    current[2] = kib(line) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        long[] heap = mappings.stream().filter(m -> m[1] >= max * 9 / 10).max((a, b) -> Long.compare(a[1], b[1])).orElse(null);
        if (heap == null) {
            return -1;
        }
        long total = 0;
        for (long[] m : mappings) {
            if (m[0] < heap[0] || m[0] >= heap[0] + max) {
                total += m[2];
            }
        }
        return total;
    }

    private static long kib(String smapsLine) {
        return Long.parseLong(smapsLine.trim().split("\\s+")[1]);
    }

    /** Open sockets of this process: the links in /proc/self/fd that point at "socket:[inode]". */
    private static long sockets() throws IOException {
        long n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
        }
        return n;
    }

    /** class name → {instances, bytes}, from the DiagnosticCommand MBean's GC.class_histogram (a full GC first). */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> m = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // "   1:        12345      678900  java.lang.String (java.base@17)"
            if (f.length >= 4 && f[0].endsWith(":")) {
                m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return m;
    }

    /** Prints the classes whose heap grew most, per connection: {@code HISTO client=.. class=.. instances_per_conn=.. bytes_per_conn=..}. */
    private static void printHistogramDiff(String client, Map<String, long[]> before, Map<String, long[]> after,
                                           long conns, int top) {
        double per = Math.max(1, conns);
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            grown.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]}));
        }
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        long total = grown.stream().mapToLong(e -> e.getValue()[1]).sum();
        for (int i = 0; i < Math.min(top, grown.size()); i++) {
            long[] d = grown.get(i).getValue();
            System.out.printf(java.util.Locale.ROOT, "HISTO client=%s class=%s instances_per_conn=%.2f bytes_per_conn=%.1f%n",
                    client, grown.get(i).getKey(), d[0] / per, d[1] / per);
        }
        System.out.printf(java.util.Locale.ROOT, "HISTO client=%s class=(all) instances_per_conn=na bytes_per_conn=%.1f%n",
                client, total / per);
    }
}
