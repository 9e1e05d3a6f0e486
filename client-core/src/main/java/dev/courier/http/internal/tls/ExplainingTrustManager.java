package dev.courier.http.internal.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Delegates to the JDK's trust manager and rewrites its certificate errors into messages that say what
 * is wrong, in the spirit of Go's x509 errors: the host asked for and the names the certificate holds,
 * an expiry date, or an unknown authority. The original exception stays the cause.
 */
public final class ExplainingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;

    public ExplainingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explain(e, chain, engine == null ? null : engine.getPeerHost());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw explain(e, chain, null);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explain(e, chain, null);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    static CertificateException explain(CertificateException e, X509Certificate[] chain, String host) {
        if (chain == null || chain.length == 0) {
            return e;
        }
        X509Certificate leaf = chain[0];
        String msg = String.valueOf(e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || msg.contains("validity check failed")
                    && isExpired(chain)) {
                X509Certificate bad = firstExpired(chain) != null ? firstExpired(chain) : leaf;
                return wrap("certificate has expired: " + bad.getSubjectX500Principal().getName()
                        + " was valid until " + bad.getNotAfter().toInstant(), e);
            }
            if (t instanceof CertificateNotYetValidException) {
                return wrap("certificate is not yet valid: " + leaf.getSubjectX500Principal().getName()
                        + " is valid from " + leaf.getNotBefore().toInstant(), e);
            }
        }
        if (msg.startsWith("No subject alternative") || msg.startsWith("No name matching")) {
            return wrap("certificate is valid for " + String.join(", ", names(leaf)) + ", not "
                    + (host == null ? "the requested host" : host), e);
        }
        if (msg.contains("unable to find valid certification path") || msg.contains("PKIX path building failed")) {
            X509Certificate top = chain[chain.length - 1];
            return wrap("certificate signed by unknown authority: " + top.getIssuerX500Principal().getName()
                    + " is not trusted (certificate " + leaf.getSubjectX500Principal().getName() + ")", e);
        }
        return e;
    }

    private static boolean isExpired(X509Certificate[] chain) {
        return firstExpired(chain) != null;
    }

    private static X509Certificate firstExpired(X509Certificate[] chain) {
        long now = System.currentTimeMillis();
        for (X509Certificate c : chain) {
            if (c.getNotAfter().getTime() < now) {
                return c;
            }
        }
        return null;
    }

    /** The DNS names and IP addresses in the certificate's subjectAltName, else its subject. */
    static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    Object type = san.get(0);
                    if (type instanceof Integer && ((Integer) type == 2 || (Integer) type == 7)) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException ignored) {
            // fall back to the subject
        }
        if (names.isEmpty()) {
            names.add(cert.getSubjectX500Principal().getName());
        }
        return names;
    }

    private static CertificateException wrap(String message, CertificateException cause) {
        return new Explained(message, cause);
    }

    /**
     * A certificate error this class explained. Its type lets the handshake's failure be traced back to it
     * through any wrapping: BoringSSL reports "General OpenSslEngine problem" with this as the cause.
     */
    public static final class Explained extends CertificateException {
        private static final long serialVersionUID = 1L;

        Explained(String message, CertificateException cause) {
            super(message, cause);
        }
    }
}
