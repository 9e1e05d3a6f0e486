package dev.courier.http.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Certificates made in the test with {@code netty-pkitesting}: a test CA, a server certificate for
 * {@code localhost} and 127.0.0.1, one for another host, an expired one, a not yet valid one, one from a
 * CA nobody trusts,
 * and a client certificate for mTLS. Generated once per JVM ({@link #get()}); keys are EC P-256.
 */
public final class TestCertificates {
    private static volatile TestCertificates instance;

    private final X509Bundle ca;
    private final X509Bundle server;
    private final X509Bundle otherHost;
    private final X509Bundle expired;
    private final X509Bundle notYetValid;
    private final X509Bundle untrustedCa;
    private final X509Bundle untrusted;
    private final X509Bundle client;

    private TestCertificates() throws Exception {
        Instant now = Instant.now();
        CertificateBuilder base = new CertificateBuilder().ecp256()
                .notBefore(now.minus(1, ChronoUnit.DAYS)).notAfter(now.plus(30, ChronoUnit.DAYS));
        ca = base.copy().subject("CN=Courier Test CA").setIsCertificateAuthority(true).buildSelfSigned();
        server = base.copy().subject("CN=localhost").addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
                .addSanIpAddress("::1").addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
        otherHost = base.copy().subject("CN=other.example").addSanDnsName("other.example")
                .addSanDnsName("www.other.example").addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
        expired = base.copy().subject("CN=localhost").addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
                .notBefore(now.minus(60, ChronoUnit.DAYS)).notAfter(now.minus(30, ChronoUnit.DAYS))
                .addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
        notYetValid = base.copy().subject("CN=localhost").addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
                .notBefore(now.plus(30, ChronoUnit.DAYS)).notAfter(now.plus(60, ChronoUnit.DAYS))
                .addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
        untrustedCa = base.copy().subject("CN=Untrusted Test CA").setIsCertificateAuthority(true).buildSelfSigned();
        untrusted = base.copy().subject("CN=localhost").addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
                .addExtendedKeyUsageServerAuth().buildIssuedBy(untrustedCa);
        client = base.copy().subject("CN=courier-client").addExtendedKeyUsageClientAuth().buildIssuedBy(ca);
    }

    /** The shared set (generating keys takes a moment). */
    public static TestCertificates get() {
        TestCertificates c = instance;
        if (c == null) {
            synchronized (TestCertificates.class) {
                c = instance;
                if (c == null) {
                    try {
                        c = new TestCertificates();
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot make test certificates", e);
                    }
                    instance = c;
                }
            }
        }
        return c;
    }

    /** The test CA every certificate but {@link #untrusted()} chains to. */
    public X509Bundle ca() {
        return ca;
    }

    /** Valid for {@code localhost}, 127.0.0.1 and ::1. */
    public X509Bundle server() {
        return server;
    }

    /** Valid for {@code other.example} and {@code www.other.example} only. */
    public X509Bundle otherHost() {
        return otherHost;
    }

    /** For localhost, but expired 30 days ago. */
    public X509Bundle expired() {
        return expired;
    }

    /** For localhost, but valid only from 30 days from now. */
    public X509Bundle notYetValid() {
        return notYetValid;
    }

    /** For localhost, issued by a CA the client does not trust. */
    public X509Bundle untrusted() {
        return untrusted;
    }

    /** A client certificate (clientAuth) issued by the test CA. */
    public X509Bundle client() {
        return client;
    }

    /** Writes the CA certificate as PEM into {@code dir}. */
    public Path caPem(Path dir) {
        return write(dir.resolve("ca.pem"), ca.getCertificatePEM());
    }

    /** Writes {@code bundle}'s certificate chain as PEM into {@code dir}. */
    public static Path chainPem(X509Bundle bundle, Path dir) {
        return write(dir.resolve("chain.pem"), bundle.getCertificatePathPEM());
    }

    /** Writes {@code bundle}'s private key (PKCS#8 PEM) into {@code dir}. */
    public static Path keyPem(X509Bundle bundle, Path dir) {
        return write(dir.resolve("key.pem"), bundle.getPrivateKeyPEM());
    }

    /** A KeyStore holding the CA certificate as a trusted entry. */
    public KeyStore caTrustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("courier-test-ca", ca.getCertificate());
            return ks;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A KeyStore holding {@code bundle}'s key and chain under {@code password}. */
    public static KeyStore keyStore(X509Bundle bundle, char[] password) {
        try {
            return bundle.toKeyStore(password);
        } catch (KeyStoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
