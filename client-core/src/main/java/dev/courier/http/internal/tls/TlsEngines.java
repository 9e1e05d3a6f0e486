package dev.courier.http.internal.tls;

import dev.courier.http.TlsEngine;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.util.Iterator;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Resolves the {@link TlsEngine} a Transport asks for into the engine it gets: AUTO (or the
 * {@value #PROPERTY} system property, which replaces AUTO) takes BoringSSL when a {@link TlsEngineProvider}
 * (the {@code client-tls} module) is on the classpath and its native library loads, else the JDK's engine;
 * an explicit BORINGSSL that cannot be had fails with the reason.
 */
public final class TlsEngines {
    /** The system property that replaces {@link TlsEngine#AUTO}'s choice: auto, jdk or boringssl. */
    public static final String PROPERTY = "courier.tls.engine";
    /** The artifact that provides BoringSSL, for error messages. */
    public static final String MODULE = "dev.courier:client-tls";

    private TlsEngines() {
    }

    /** The engine a Transport uses, with what it needs to build and name its TLS contexts. */
    public record Selection(TlsEngine engine, SslProvider sslProvider, String nativeDescription) {
        /** The log line's engine name: the native engine's description, or the JSSE provider of {@code built}. */
        public String describe(SslContext built) {
            if (engine == TlsEngine.BORINGSSL) {
                return nativeDescription;
            }
            String jsse = built instanceof JdkSslContext
                    ? ((JdkSslContext) built).context().getProvider().getName() : "JSSE";
            return "JDK (" + jsse + ", Java " + Runtime.version() + ")";
        }
    }

    /**
     * The engine for a Transport that asked for {@code wanted}; {@code jdkSslContext} when the caller gave
     * its own {@link javax.net.ssl.SSLContext}, which only the JDK engine can run.
     *
     * @throws IllegalStateException when BoringSSL is required but unavailable, or the property is invalid
     */
    public static Selection select(TlsEngine wanted, boolean jdkSslContext) {
        return select(wanted, jdkSslContext, System.getProperty(PROPERTY), Installed.PROVIDER);
    }

    /** What the ServiceLoader found on this class path, for tests. */
    static Found installed() {
        return Installed.PROVIDER;
    }

    /** {@link #select(TlsEngine, boolean)} with the property value and the provider lookup passed in, for tests. */
    static Selection select(TlsEngine wanted, boolean jdkSslContext, String property, Found found) {
        TlsEngine effective = wanted;
        String askedBy = "tlsEngine(" + wanted + ")";
        if (wanted == TlsEngine.AUTO && property != null && !property.isBlank()) {
            effective = parse(property);
            askedBy = "-D" + PROPERTY + "=" + property;
        }
        if (jdkSslContext) {
            if (wanted == TlsEngine.BORINGSSL) {
                throw new IllegalStateException("sslContext(SSLContext) runs on the JDK's TLS engine; it cannot be "
                        + "combined with tlsEngine(BORINGSSL): configure trust and keys with trustPem, trustStore "
                        + "and clientCertificate instead");
            }
            return jdk();
        }
        switch (effective) {
            case JDK:
                return jdk();
            case BORINGSSL:
                if (found.problem() != null) {
                    throw new IllegalStateException("TLS engine BORINGSSL (asked for by " + askedBy
                            + ") is unavailable: " + found.problem(), found.cause());
                }
                return boringSsl(found.provider());
            case AUTO:
            default:
                return found.problem() == null ? boringSsl(found.provider()) : jdk();
        }
    }

    private static TlsEngine parse(String property) {
        switch (property.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return TlsEngine.AUTO;
            case "jdk":
                return TlsEngine.JDK;
            case "boringssl":
                return TlsEngine.BORINGSSL;
            default:
                throw new IllegalStateException("-D" + PROPERTY + "=" + property + " is not a TLS engine: "
                        + "expected auto, jdk or boringssl");
        }
    }

    private static Selection jdk() {
        return new Selection(TlsEngine.JDK, SslProvider.JDK, null);
    }

    private static Selection boringSsl(TlsEngineProvider p) {
        return new Selection(TlsEngine.BORINGSSL, p.sslProvider(), p.description());
    }

    /**
     * What the ServiceLoader found: a usable provider (problem null), or a sentence saying why there is
     * none and the underlying error, if any.
     */
    record Found(TlsEngineProvider provider, String problem, Throwable cause) {
        static Found lookUp(ClassLoader loader) {
            TlsEngineProvider p;
            try {
                Iterator<TlsEngineProvider> it = ServiceLoader.load(TlsEngineProvider.class, loader).iterator();
                if (!it.hasNext()) {
                    return new Found(null, "the " + MODULE + " module is not on the classpath; add that dependency "
                            + "or use TlsEngine.JDK or AUTO", null);
                }
                p = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                return new Found(null, MODULE + " is on the classpath but could not be loaded: " + e, e);
            }
            Throwable cause;
            try {
                cause = p.unavailabilityCause();
            } catch (LinkageError e) {
                cause = e;
            }
            if (cause != null) {
                return new Found(null, MODULE + " is on the classpath but its BoringSSL native library "
                        + "(netty-tcnative-boringssl-static) did not load on this machine: " + cause, cause);
            }
            return new Found(p, null, null);
        }
    }

    /** Looked up once per JVM: a native library loads (or fails to) once per process anyway. */
    private static final class Installed {
        static final Found PROVIDER = Found.lookUp(TlsEngineProvider.class.getClassLoader());
    }
}
