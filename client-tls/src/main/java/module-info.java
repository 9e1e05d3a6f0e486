/**
 * BoringSSL (netty-tcnative-boringssl-static) as the TLS engine of {@code dev.courier.http}'s Transport.
 *
 * <p>Nothing needs to name this module: its {@code provides} clause makes the Transport's
 * {@code TlsEngine.AUTO} pick BoringSSL once the jar is on the module path (service binding resolves it
 * even when no module requires it), as {@code META-INF/services} does on the class path. The native
 * library is in a platform jar that must be resolved too, for example
 * {@code --add-modules io.netty.internal.tcnative.openssl.linux.x86_64}. The exported package holds
 * {@link dev.courier.http.tls.BoringSsl}, for diagnostics.
 */
module dev.courier.http.tls {
    exports dev.courier.http.tls;

    provides dev.courier.http.internal.tls.TlsEngineProvider with dev.courier.http.tls.internal.BoringSslEngineProvider;

    requires dev.courier.http;
    requires io.netty.handler;
    requires io.netty.tcnative.classes.openssl;
}
