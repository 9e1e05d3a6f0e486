package dev.courier.http.tls;

import io.netty.handler.ssl.OpenSsl;

/**
 * Whether the BoringSSL engine this module ships (netty-tcnative-boringssl-static) loads on this machine,
 * and which version it is. A Transport picks it up by itself ({@code TlsEngine.AUTO}); this class is for
 * diagnostics.
 */
public final class BoringSsl {
    private BoringSsl() {
    }

    /** {@return true when the native library loaded here and is BoringSSL} */
    public static boolean isAvailable() {
        try {
            return OpenSsl.isAvailable() && isBoringSsl();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** {@return why it did not load (the native library's load error), or null when it did} */
    public static Throwable unavailabilityCause() {
        try {
            Throwable cause = OpenSsl.unavailabilityCause();
            if (cause == null && !isBoringSsl()) {
                return new IllegalStateException("netty-tcnative loaded " + OpenSsl.versionString()
                        + ", not BoringSSL: another netty-tcnative artifact is on the classpath before "
                        + "netty-tcnative-boringssl-static");
            }
            return cause;
        } catch (LinkageError e) {
            return e;
        }
    }

    private static boolean isBoringSsl() {
        return "BoringSSL".equals(OpenSsl.versionString());
    }

    /** {@return the library's own name for itself, e.g. "BoringSSL"} */
    public static String versionString() {
        return OpenSsl.versionString();
    }

    /**
     * {@return the engine as Transport's log line names it: "BoringSSL (OpenSSL 1.1.1 compatible,
     * netty-tcnative 2.0.84.Final)"} BoringSSL has no version numbers of its own; it reports the OpenSSL API
     * level it mimics. Call it only when {@link #isAvailable()}.
     */
    public static String description() {
        int v = OpenSsl.version();
        String api = "OpenSSL " + ((v >>> 28) & 0xf) + "." + ((v >>> 20) & 0xff) + "." + ((v >>> 12) & 0xff);
        String tcnative = io.netty.internal.tcnative.SSL.class.getPackage().getImplementationVersion();
        if (tcnative == null) {
            // On the module path a package has no manifest attributes; the module descriptor has the version.
            tcnative = io.netty.internal.tcnative.SSL.class.getModule().getDescriptor() == null ? null
                    : io.netty.internal.tcnative.SSL.class.getModule().getDescriptor().rawVersion().orElse(null);
        }
        return versionString() + " (" + api + " compatible, netty-tcnative "
                + (tcnative == null ? "(unknown version)" : tcnative) + ")";
    }
}
