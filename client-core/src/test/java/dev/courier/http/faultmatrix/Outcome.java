package dev.courier.http.faultmatrix;

import dev.courier.http.RequestException;
import dev.courier.http.RequestException.Phase;
import java.util.Locale;
import java.util.Objects;

/**
 * What a (fault, protocol) case must end in, and the text of its cell in docs/FAULT-MATRIX.md: the table is
 * rendered from these, and the suite asserts every one of them, so the document cannot say what the code does not do.
 *
 * <p>Kinds: the request (or its body) {@linkplain #fails fails} with a RequestException in a phase, maybe a timeout,
 * with a message fragment and a cause somewhere in its chain; it {@linkplain #succeeds succeeds} (for instance after
 * a retry); the caller's future is {@linkplain #cancelled cancelled}; or the consumer {@linkplain #stopped stopped}
 * reading, without an error. Every outcome also fixes how many times the Transport retried (0 unless said) and,
 * when given, the effect on the connection.
 */
final class Outcome {
    enum Kind { FAILS, SUCCEEDS, CANCELLED, STOPPED }

    private final Kind kind;
    private final Phase phase;
    private boolean timeout;
    private String fragment;
    private Class<? extends Throwable> cause;
    private int retries;
    private String effect;

    private Outcome(Kind kind, Phase phase) {
        this.kind = kind;
        this.phase = phase;
    }

    /** The request, or its body, fails with a RequestException in {@code phase}, not a timeout unless said. */
    static Outcome fails(Phase phase) {
        return new Outcome(Kind.FAILS, Objects.requireNonNull(phase));
    }

    /** The request succeeds; {@code effect} says how (the scenario reports the same words once it checked them). */
    static Outcome succeeds(String effect) {
        return new Outcome(Kind.SUCCEEDS, null).effect(effect);
    }

    /** The caller's future ends cancelled; {@code effect} says what became of the exchange's connection. */
    static Outcome cancelled(String effect) {
        return new Outcome(Kind.CANCELLED, null).effect(effect);
    }

    /** The consumer stopped reading and got no error; {@code effect} says what became of the connection. */
    static Outcome stopped(String effect) {
        return new Outcome(Kind.STOPPED, null).effect(effect);
    }

    /** The failure is a timeout ({@link RequestException#isTimeout()}). */
    Outcome timeout() {
        Outcome c = copy();
        c.timeout = true;
        return c;
    }

    /** The failure's message contains {@code text} (ignoring case). */
    Outcome message(String text) {
        Outcome c = copy();
        c.fragment = Objects.requireNonNull(text);
        return c;
    }

    /** The failure's cause chain holds a {@code type}. */
    Outcome causedBy(Class<? extends Throwable> type) {
        Outcome c = copy();
        c.cause = Objects.requireNonNull(type);
        return c;
    }

    /** The Transport retried {@code n} times (ClientTrace.retrying) before this outcome. */
    Outcome retries(int n) {
        Outcome c = copy();
        c.retries = n;
        return c;
    }

    /** What became of the connection or stream, in the words the scenario reports. */
    Outcome effect(String what) {
        Outcome c = copy();
        c.effect = Objects.requireNonNull(what);
        return c;
    }

    Kind kind() {
        return kind;
    }

    /** Throws an AssertionError saying what differs, if {@code o} is not this outcome. */
    void check(Observed o) {
        switch (kind) {
            case FAILS:
                checkFailure(o);
                break;
            case SUCCEEDS:
                require(o.failure() == null && !o.cancelled(), "expected success", o);
                break;
            case CANCELLED:
                require(o.cancelled(), "expected the caller's future to be cancelled", o);
                break;
            case STOPPED:
            default:
                require(o.failure() == null && !o.cancelled(), "expected the consumer to stop without an error", o);
                break;
        }
        require(o.retries() == retries, "expected " + retries + " retries", o);
        if (effect != null) {
            require(effect.equals(o.effect()), "expected the effect \"" + effect + "\"", o);
        }
    }

    private void checkFailure(Observed o) {
        require(o.failure() instanceof RequestException, "expected a RequestException in phase " + phase.name(), o);
        RequestException e = (RequestException) o.failure();
        require(e.phase() == phase, "expected phase " + phase.name() + ", got " + e.phase().name(), o);
        require(e.isTimeout() == timeout, "expected isTimeout() " + timeout, o);
        // Every failure names the method and the URL (without password), then the phase (RequestException's form).
        require(e.getMessage().startsWith(e.method() + " " + e.url() + ": " + e.phase()),
                "expected the message to start with method, URL and phase", o);
        if (fragment != null) {
            require(e.getMessage().toLowerCase(Locale.ROOT).contains(fragment.toLowerCase(Locale.ROOT)),
                    "expected the message to contain \"" + fragment + "\"", o);
        }
        if (cause != null) {
            boolean found = false;
            for (Throwable t = e.getCause(); t != null && !found; t = t.getCause()) {
                found = cause.isInstance(t);
            }
            require(found, "expected a " + cause.getSimpleName() + " in the cause chain", o);
        }
    }

    private static void require(boolean condition, String what, Observed o) {
        if (!condition) {
            AssertionError e = new AssertionError(what + "; the case " + o.describe());
            if (o.failure() != null) {
                e.initCause(o.failure());
            }
            throw e;
        }
    }

    /** The cell's text in the generated table (Markdown, no pipes). */
    String cell() {
        StringBuilder sb = new StringBuilder();
        switch (kind) {
            case FAILS:
                sb.append('`').append(phase.name()).append('`');
                if (timeout) {
                    sb.append(" timeout");
                }
                if (fragment != null) {
                    sb.append(": \"").append(fragment).append('"');
                }
                if (cause != null) {
                    sb.append(" (").append(cause.getSimpleName()).append(')');
                }
                break;
            case SUCCEEDS:
                sb.append("succeeds");
                break;
            case CANCELLED:
                sb.append("cancelled");
                break;
            case STOPPED:
            default:
                sb.append("stopped");
                break;
        }
        if (retries > 0) {
            sb.append(retries == 1 ? ", after 1 retry" : ", after " + retries + " retries");
        }
        if (effect != null) {
            sb.append("; ").append(effect);
        }
        return sb.toString();
    }

    private Outcome copy() {
        Outcome c = new Outcome(kind, phase);
        c.timeout = timeout;
        c.fragment = fragment;
        c.cause = cause;
        c.retries = retries;
        c.effect = effect;
        return c;
    }
}
