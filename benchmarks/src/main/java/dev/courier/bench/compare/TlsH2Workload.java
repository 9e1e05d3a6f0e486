package dev.courier.bench.compare;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The workloads of the TLS and HTTP/2 comparison ({@code run-tls-h2.sh}), each a GET of the 1 KiB file
 * {@code /1k} over https (but {@code idle10k-tls}: nginx's slow {@code /idle}), run on the request shape
 * of a plain {@link Workload} (so that the plain comparison's adapters serve the HTTP/1.1 ones unchanged)
 * against one of nginx's TLS ports.
 */
public enum TlsH2Workload {
    TLS_HANDSHAKE("tls-handshake", Workload.CLOSE_C16, false,
            "a new TLS connection per request (Connection: close, HTTP/1.1), 16 in flight; the server keeps "
                    + "no session cache and sends no tickets, so every handshake is a full one"),
    TLS_RESUME("tls-resume", Workload.CLOSE_C16, false,
            "as tls-handshake, but the server offers resumption (session cache and tickets): a client that "
                    + "caches sessions resumes"),
    TLS_GET_1K_C16("tls-get1k-c16", Workload.GET_1K_C16, false,
            "keep-alive GET of 1 KiB over TLS, HTTP/1.1 (the server's port offers no h2), 16 in flight"),
    H2_GET_1K_C128("h2-get1k-c128", Workload.GET_1K_C128, true,
            "GET of 1 KiB over HTTP/2 (TLS, ALPN), 128 in flight (nginx allows 128 streams per connection); each "
                    + "client first completes one request, so that the 128 find a connection whose SETTINGS are known"),
    H2_COLD_128("h2-cold128", Workload.GET_1K_C128, true,
            "The connections a client opens when 128 HTTP/2 requests start at once on a cold client (no "
                    + "connection yet), as a user's first burst does; a short run, only the connection count matters"),
    IDLE_10K_TLS("idle10k-tls", Workload.IDLE_10K, false,
            "heap + direct memory per idle pooled TLS connection (HTTP/1.1: the port offers no h2), over 10,000 of "
                    + "them, as idle10k (not a load loop)");

    private final String id;
    private final Workload shape;
    private final boolean http2;
    private final String description;

    TlsH2Workload(String id, Workload shape, boolean http2, String description) {
        this.id = id;
        this.shape = shape;
        this.http2 = http2;
        this.description = description;
    }

    /** The workload named {@code id} (as {@code tls-handshake}). */
    public static TlsH2Workload byId(String id) {
        for (TlsH2Workload w : values()) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload " + id + "; known: "
                + Arrays.stream(values()).map(TlsH2Workload::id).collect(Collectors.joining(", ")));
    }

    public String id() {
        return id;
    }

    /** The plain workload with the same requests (method, path, concurrency, keep-alive, body sizes). */
    public Workload shape() {
        return shape;
    }

    /** Whether requests go over HTTP/2; the others are HTTP/1.1. */
    public boolean http2() {
        return http2;
    }

    public String description() {
        return description;
    }
}
