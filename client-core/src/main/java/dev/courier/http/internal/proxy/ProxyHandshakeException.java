package dev.courier.http.internal.proxy;

import java.io.IOException;

/**
 * The proxy refused or broke the handshake (CONNECT, SOCKS): the message names the proxy without its
 * password, the target and the proxy's answer. {@link #status()} is the HTTP status a proxy answered a
 * CONNECT with, so that a 407 can be told apart without reading the message.
 */
public final class ProxyHandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ProxyHandshakeException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the proxy answered CONNECT with, or -1 (SOCKS, or no HTTP answer). */
    public int status() {
        return status;
    }

    /** The sentence added to a 407 message: what the credentials situation was. */
    public static String authHint(ProxyEndpoint proxy) {
        return proxy.hasCredentials()
                ? "the proxy did not accept the credentials of user \"" + proxy.username() + "\""
                : "the proxy requires credentials: give them as user:password@ in the proxy URL";
    }
}
