package dev.courier.http.tls;

import io.netty.handler.ssl.OpenSsl;

/**
 * Whether the BoringSSL engine this module ships (netty-tcnative-boringssl-static) loads on this
 * machine. Wiring it into the Transport through ServiceLoader is the TLS/HTTP/2 work's.
 */
public final class BoringSsl {
    private BoringSsl() {
    }

    /** True when the native library loaded. */
    public static boolean isAvailable() {
        return OpenSsl.isAvailable();
    }

    /** Why it did not load, or null when it did. */
    public static Throwable unavailabilityCause() {
        return OpenSsl.unavailabilityCause();
    }

    /** The OpenSSL-compatible version string of the loaded library, e.g. "BoringSSL". */
    public static String versionString() {
        return OpenSsl.versionString();
    }
}
