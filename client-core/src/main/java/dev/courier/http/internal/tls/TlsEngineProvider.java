package dev.courier.http.internal.tls;

import io.netty.handler.ssl.SslProvider;

/**
 * The service through which the optional {@code client-tls} module offers its native TLS engine
 * (BoringSSL); {@link TlsEngines} finds implementations with {@link java.util.ServiceLoader}, so
 * {@code client-core} never names the module's classes. Implementations need a public no-argument
 * constructor and a {@code META-INF/services/dev.courier.http.internal.tls.TlsEngineProvider} entry.
 */
public interface TlsEngineProvider {
    /** Null when the engine works on this machine; otherwise why not (typically the native library's load error). */
    Throwable unavailabilityCause();

    /** The Netty provider to build client contexts with; only asked when {@link #unavailabilityCause()} is null. */
    SslProvider sslProvider();

    /** Names the engine for the Transport's log line, e.g. "BoringSSL (OpenSSL 1.1.1 compatible, netty-tcnative 2.0.84.Final)". */
    String description();
}
