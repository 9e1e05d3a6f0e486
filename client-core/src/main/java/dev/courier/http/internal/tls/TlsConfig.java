package dev.courier.http.internal.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds the client's trust manager from a PEM file, a KeyStore or the system default. */
public final class TlsConfig {
    private TlsConfig() {
    }

    /**
     * The JDK's PKIX trust manager over {@code pem}'s certificates, else {@code store}'s, else the system's
     * roots, wrapped so that its errors explain themselves ({@link ExplainingTrustManager}).
     */
    public static TrustManager trustManager(Path pem, KeyStore store) throws IOException, GeneralSecurityException {
        KeyStore ks = store;
        if (pem != null) {
            ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(pem)) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("trustPem " + pem + " holds no certificate");
            }
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("trust-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager) {
                return new ExplainingTrustManager((X509ExtendedTrustManager) tm);
            }
        }
        throw new GeneralSecurityException("no X509ExtendedTrustManager from " + tmf.getAlgorithm());
    }
}
