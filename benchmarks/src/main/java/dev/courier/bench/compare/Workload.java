package dev.courier.bench.compare;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One workload of the comparison: what each request is (method, path, body), how many are kept in
 * flight, whether connections are kept alive, and how many response bytes each must read.
 *
 * <p>The servers (BenchServer and the runner's nginx) serve {@code GET /1k} (1 KiB), {@code GET /1m}
 * (1 MiB) and {@code POST /upload} (the body is read to its end, dropped, and answered "ok"); nginx also
 * {@code GET /idle}, 3 KiB sent at 256 bytes/s (about 12 s), for {@link #IDLE_10K}.
 */
public enum Workload {
    GET_1K_C1("get1k-c1", "GET", "/1k", 0, 1, true, 1024, "keep-alive GET of 1 KiB, 1 in flight"),
    GET_1K_C16("get1k-c16", "GET", "/1k", 0, 16, true, 1024, "keep-alive GET of 1 KiB, 16 in flight"),
    GET_1K_C128("get1k-c128", "GET", "/1k", 0, 128, true, 1024, "keep-alive GET of 1 KiB, 128 in flight"),
    GET_1K_C1024("get1k-c1024", "GET", "/1k", 0, 1024, true, 1024, "keep-alive GET of 1 KiB, 1024 in flight"),
    GET_1M_C4("get1m-c4", "GET", "/1m", 0, 4, true, 1 << 20, "keep-alive GET of 1 MiB, 4 in flight"),
    UPLOAD_64M("upload64m", "POST", "/upload", 64L << 20, 1, true, 2,
            "POST of 64 MiB streamed from a reused 64 KiB chunk (Content-Length set), 1 in flight"),
    POST_4K_C16("post4k-c16", "POST", "/upload", 4096, 16, true, 2, "keep-alive POST of 4 KiB, 16 in flight"),
    CLOSE_C16("close-c16", "GET", "/1k", 0, 16, false, 1024,
            "GET of 1 KiB with Connection: close (a new connection per request), 16 in flight"),
    IDLE_10K("idle10k", "GET", "/idle", 0, 10_000, true, 3072,
            "heap + direct memory per idle pooled keep-alive connection, over 10,000 of them (not a load loop)");

    /**
     * The connect and TLS handshake timeouts the adapters set, where the client has them, for the
     * idle-memory workloads: 10,000 connections and TLS handshakes started at once queue (in the listen
     * backlog, then in nginx's one worker) on two cores for longer than the usual 5-30 s defaults, and
     * those workloads measure memory, not connection latency.
     */
    public static final java.time.Duration IDLE_CONNECT_TIMEOUT = java.time.Duration.ofMinutes(3);

    /** The size of the chunk a streamed upload repeats. */
    public static final int UPLOAD_CHUNK = 64 * 1024;

    private final String id;
    private final String method;
    private final String path;
    private final long requestBodySize;
    private final int concurrency;
    private final boolean keepAlive;
    private final long responseBodySize;
    private final String description;

    Workload(String id, String method, String path, long requestBodySize, int concurrency, boolean keepAlive,
             long responseBodySize, String description) {
        this.id = id;
        this.method = method;
        this.path = path;
        this.requestBodySize = requestBodySize;
        this.concurrency = concurrency;
        this.keepAlive = keepAlive;
        this.responseBodySize = responseBodySize;
        this.description = description;
    }

    /** The workload named {@code id} (as {@code get1k-c16}). */
    public static Workload byId(String id) {
        for (Workload w : values()) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload " + id + "; known: "
                + Arrays.stream(values()).map(Workload::id).collect(Collectors.joining(", ")));
    }

    public String id() {
        return id;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** Bytes of request body, 0 for none. */
    public long requestBodySize() {
        return requestBodySize;
    }

    /** Whether the request body is large enough that each client streams it rather than holding it in memory. */
    public boolean streamedUpload() {
        return requestBodySize > UPLOAD_CHUNK;
    }

    public int concurrency() {
        return concurrency;
    }

    public boolean keepAlive() {
        return keepAlive;
    }

    /** The response body size each request must read to its end (a different count is an error). */
    public long responseBodySize() {
        return responseBodySize;
    }

    /** Whether this is the idle-memory measurement ({@link IdleMemory}) rather than a load loop. */
    public boolean idleMemory() {
        return this == IDLE_10K;
    }

    public String description() {
        return description;
    }
}
