package dev.courier.http.tls.internal;

import dev.courier.http.internal.tls.TlsEngineProvider;
import dev.courier.http.tls.BoringSsl;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Offers BoringSSL (netty-tcnative-boringssl-static) to client-core's Transport, which finds this class
 * through {@code META-INF/services} on the class path and the {@code provides} clause of
 * {@code module-info.java} on the module path; not API (its package is not exported).
 */
public final class BoringSslEngineProvider implements TlsEngineProvider {
    /** For ServiceLoader. */
    public BoringSslEngineProvider() {
    }

    @Override
    public Throwable unavailabilityCause() {
        return BoringSsl.isAvailable() ? null : BoringSsl.unavailabilityCause();
    }

    /**
     * {@link SslProvider#OPENSSL}, not OPENSSL_REFCNT: SslHandler releases each engine with its channel and
     * the garbage collector frees the context, so a Transport has no reference count to leak.
     */
    @Override
    public SslProvider sslProvider() {
        return SslProvider.OPENSSL;
    }

    @Override
    public String description() {
        return BoringSsl.description();
    }
}
