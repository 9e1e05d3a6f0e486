package dev.courier.http;

/**
 * The TLS implementation a {@link Transport} uses for https. Both engines support every TLS option of
 * {@link Transport.Builder} (trust, client certificates, versions, ciphers, hostname verification, SNI,
 * session resumption), except {@link Transport.Builder#sslContext(javax.net.ssl.SSLContext)}, which is the
 * JDK's own type and so always runs on {@link #JDK}.
 */
public enum TlsEngine {
    /**
     * BoringSSL when the {@code dev.courier:client-tls} module is on the classpath and its native library
     * loads here, else the JDK's engine. The system property {@code courier.tls.engine} ({@code auto},
     * {@code jdk} or {@code boringssl}) replaces this choice, to run one application on either engine
     * without a rebuild.
     */
    AUTO,
    /** The JDK's own TLS engine (JSSE), always available. */
    JDK,
    /**
     * BoringSSL through netty-tcnative, from the {@code dev.courier:client-tls} module: faster handshakes
     * and less CPU per byte than the JDK's engine. Building a Transport fails when it is unavailable.
     */
    BORINGSSL
}
