package dev.courier.http.internal.dial;

import dev.courier.http.RequestException.Phase;
import java.io.IOException;

/** Why a dial failed, and in which phase (DNS, CONNECT, PROXY, TLS); the exchange wraps it in a RequestException. */
public final class DialException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Phase phase;
    private final boolean timeout;

    public DialException(Phase phase, String message, Throwable cause, boolean timeout) {
        super(message, cause);
        this.phase = phase;
        this.timeout = timeout;
    }

    public Phase phase() {
        return phase;
    }

    public boolean isTimeout() {
        return timeout;
    }
}
