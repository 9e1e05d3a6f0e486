package dev.courier.bench.soak;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The client process's resources at one instant: heap used (read right after {@link System#gc()}), direct memory
 * (the JDK's "direct" buffer pool, Netty's own counter, and the pooled allocator's chunks), open file descriptors and
 * sockets ({@code /proc/self/fd}).
 *
 * @param heapUsed       heap in use after a full GC, bytes
 * @param jdkDirect      the JDK's direct buffer pool (ByteBuffer.allocateDirect and Netty's cleaner-backed buffers)
 * @param nettyDirect    Netty's count of the direct memory it allocated ({@code PlatformDependent.usedDirectMemory()})
 * @param pooledDirect   direct memory held by {@code PooledByteBufAllocator.DEFAULT}'s arenas (Courier's allocator)
 * @param pooledDirectActive of which in use (its chunks' size less their free bytes): buffers not released, or
 *                   released into a thread's cache; the arenas take memory 4 MiB at a time and keep some empty
 *                   chunks, this says what is in them
 * @param pooledHeap     heap memory held by its heap arenas
 * @param fds            open file descriptors
 * @param sockets        of which sockets
 */
record Reading(long heapUsed, long jdkDirect, long nettyDirect, long pooledDirect, long pooledDirectActive,
        long pooledHeap, long fds, long sockets) {

    /** Garbage-collects (twice: direct buffers are freed by their cleaners after the GC that found them), then reads. */
    static Reading afterGc() {
        System.gc();
        return afterFullGc();
    }

    /**
     * Runs a full collection and reads, with the heap as that collection left it ({@code GcInfo}'s usage after GC):
     * the heap in use read just after {@code System.gc()} returns also holds what the event loops allocated in
     * between (megabytes at a thousand requests a second), and in the first long run 8 of 135 samples read 60-570
     * MiB (the young generation's garbage), a {@code System.gc()} that had not collected.
     */
    static Reading afterFullGc() {
        return read(heapAfterFullGc());
    }

    /** The heap after a full collection that this call made happen (up to 3 tries), or -1 if none happened. */
    static long heapAfterFullGc() {
        com.sun.management.GarbageCollectorMXBean full = fullCollector();
        if (full == null) {
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        long before = full.getCollectionCount();
        for (int i = 0; i < 3 && full.getCollectionCount() == before; i++) {
            System.gc();
        }
        com.sun.management.GcInfo info = full.getLastGcInfo();
        if (full.getCollectionCount() == before || info == null) {
            return -1;
        }
        long used = 0;
        for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            java.lang.management.MemoryUsage after = info.getMemoryUsageAfterGc().get(pool.getName());
            if (pool.getType() == java.lang.management.MemoryType.HEAP && after != null) {
                used += after.getUsed();
            }
        }
        return used;
    }

    /** The collector that runs System.gc()'s full collections ("G1 Old Generation" for G1), or null. */
    private static com.sun.management.GarbageCollectorMXBean fullCollector() {
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName();
            if ((name.contains("Old") || name.contains("MarkSweep") || name.equals("G1 Full"))
                    && gc instanceof com.sun.management.GarbageCollectorMXBean g) {
                return g;
            }
        }
        return null;
    }

    static Reading read() {
        return read(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    private static Reading read(long heap) {
        long jdk = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                jdk += pool.getMemoryUsed();
            }
        }
        PooledByteBufAllocatorMetric m = PooledByteBufAllocator.DEFAULT.metric();
        long[] fd = readFds();
        long active = 0;
        for (io.netty.buffer.PoolArenaMetric arena : m.directArenas()) {
            for (io.netty.buffer.PoolChunkListMetric list : arena.chunkLists()) {
                for (io.netty.buffer.PoolChunkMetric chunk : list) {
                    active += chunk.chunkSize() - chunk.freeBytes();
                }
            }
        }
        return new Reading(heap, jdk, Math.max(0, PlatformDependent.usedDirectMemory()), m.usedDirectMemory(),
                active, m.usedHeapMemory(), fd[0], fd[1]);
    }

    /**
     * Direct memory in one figure: the JDK's pool, plus Netty's counter when Netty allocates without a cleaner (the
     * JDK does not see those); with cleaners Netty's counter repeats part of the JDK's figure, so it is not added.
     */
    long direct() {
        return jdkDirect + (PlatformDependent.useDirectBufferNoCleaner() ? nettyDirect : 0);
    }

    /**
     * What each open descriptor is ({@code /proc/self/fd}'s link targets), sorted; a socket as its protocol, addresses
     * and TCP state from {@code /proc/self/net} (ports vary from run to run, so two lists are compared by eye).
     */
    static java.util.List<String> fdTargets() {
        java.util.Map<String, String> sockets = socketsByInode();
        java.util.List<String> targets = new java.util.ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : dir) {
                try {
                    String t = Files.readSymbolicLink(fd).toString();
                    String inode = t.startsWith("socket:[") ? t.substring(8, t.length() - 1) : null;
                    targets.add(inode == null ? t : "socket " + sockets.getOrDefault(inode, "(inode " + inode + ")"));
                } catch (IOException e) {
                    // closed while listed
                }
            }
        } catch (IOException e) {
            return targets;
        }
        java.util.Collections.sort(targets);
        return targets;
    }

    /**
     * Direct memory in use: {@link #direct()} less the pooled allocator's chunks, plus what is in use inside them.
     * The pooled allocator takes direct memory 4 MiB at a time and keeps chunks it may need again (an arena's chunks
     * that never filled a quarter stay even when empty), so its total moves in steps of a quarter to a half of the
     * client's direct memory at rest; what is in use in them, like every other direct buffer, must come back.
     */
    long directInUse() {
        return direct() - pooledDirect + pooledDirectActive;
    }

    /** inode -> "tcp 0100007F:1F90 -> 0100007F:9C40 st 01" for every socket of {@code /proc/self/net}'s tables. */
    private static java.util.Map<String, String> socketsByInode() {
        java.util.Map<String, String> byInode = new java.util.HashMap<>();
        for (String proto : new String[] {"tcp", "tcp6", "udp", "udp6", "unix"}) {
            try {
                java.util.List<String> lines = Files.readAllLines(Path.of("/proc/self/net/" + proto));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (proto.equals("unix") && f.length >= 7) {
                        byInode.put(f[6], "unix" + (f.length > 7 ? " " + f[7] : "") + " st " + f[5]);
                    } else if (f.length >= 10) {
                        byInode.put(f[9], proto + " " + f[1] + " -> " + f[2] + " st " + f[3]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // that table is not there
            }
        }
        return byInode;
    }

    /** {open descriptors, of which sockets}. */
    private static long[] readFds() {
        long all = 0;
        long sockets = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : dir) {
                all++;
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        sockets++;
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
        } catch (IOException e) {
            return new long[] {-1, -1};
        }
        return new long[] {all, sockets};
    }
}
