package dev.courier.http.internal.tls;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the fatal alert a server sent out of either engine's exception, so that a refusal reads the same on
 * both: the JDK says "Received fatal alert: bad_certificate", BoringSSL
 * "error:10000412:SSL routines:OPENSSL_internal:SSLV3_ALERT_BAD_CERTIFICATE".
 */
public final class TlsAlerts {
    private static final Pattern JDK = Pattern.compile("Received fatal alert: ([a-z0-9_]+)");
    /** BoringSSL's reason codes for alerts received from the peer (ssl.h SSL_R_SSLV3_ALERT_* / SSL_R_TLSV1_ALERT_*). */
    private static final Pattern BORINGSSL = Pattern.compile("(?:SSLV3|TLSV1)_ALERT_([A-Z0-9_]+)");

    private TlsAlerts() {
    }

    /** The received alert's RFC 8446 name (e.g. "bad_certificate") found in {@code error}'s causes, else null. */
    public static String receivedAlert(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String msg = t.getMessage();
            if (msg == null) {
                continue;
            }
            Matcher m = JDK.matcher(msg);
            if (m.find()) {
                return m.group(1);
            }
            m = BORINGSSL.matcher(msg);
            if (m.find()) {
                return m.group(1).toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /**
     * "server sent TLS alert NAME", with a hint for the alerts a server sends when it wanted a client
     * certificate; {@code error}'s own message when it holds no received alert.
     */
    public static String describe(Throwable error) {
        String alert = receivedAlert(error);
        if (alert == null) {
            return error.getMessage();
        }
        String text = "server sent TLS alert " + alert;
        if (alert.equals("bad_certificate") || alert.equals("certificate_required")) {
            text += " (the server may want a client certificate it trusts: Transport.Builder.clientCertificate)";
        }
        return text;
    }
}
