package dev.courier.http;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Decides whether a {@link Client} follows a redirect (Go's {@code Client.CheckRedirect}). It sees the
 * request the redirect would send next and the requests sent so far, oldest first, and answers with a
 * {@link Decision}: follow it, stop and return the redirect response itself (its body left open for the
 * caller, Go's {@code ErrUseLastResponse}), or fail the call with a cause of its own.
 *
 * <p>The policy runs on an event loop: keep it quick and non-blocking.
 */
@FunctionalInterface
public interface RedirectPolicy {

    /**
     * Decides about one redirect. A runtime exception it throws fails the call like
     * {@link Decision#fail(Throwable)}.
     *
     * @param next the request the redirect leads to: the Location resolved, the method and body as Go's rules
     *     keep or change them, the credentials and cookies for the new host
     * @param via the requests sent so far in this call, oldest first (the original request first); never empty
     * @return what to do
     */
    Decision decide(Request next, List<Request> via);

    /**
     * Go's default rule with {@code max} in place of 10: fails with "stopped after N redirects" once
     * {@code max} requests have been sent, so a chain may take at most {@code max - 1} redirects.
     *
     * @param max the number of requests a call may send, at least 1; {@code follow(10)} is Go's default
     * @return the policy
     */
    static RedirectPolicy follow(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max < 1: " + max);
        }
        return (next, via) -> via.size() >= max
                ? Decision.fail(new IOException("stopped after " + max + " redirects"))
                : Decision.follow();
    }

    /** {@return a policy that never follows: every redirect response is returned as it is} */
    static RedirectPolicy none() {
        return (next, via) -> Decision.stop();
    }

    /** What to do with one redirect. */
    final class Decision {
        private static final Decision FOLLOW = new Decision(null, true);
        private static final Decision STOP = new Decision(null, false);

        private final Throwable failure;
        private final boolean follow;

        private Decision(Throwable failure, boolean follow) {
            this.failure = failure;
            this.follow = follow;
        }

        /** {@return the decision to send the next request} */
        public static Decision follow() {
            return FOLLOW;
        }

        /** {@return the decision to return the redirect response to the caller, body unread and open} */
        public static Decision stop() {
            return STOP;
        }

        /**
         * Fail the call with {@code cause}, wrapped in a RequestException ({@code Phase.CLIENT}) that names
         * the refused request: its method and URL (the resolved Location, password hidden), as Go's
         * {@code Get "/?n=10": stopped after 10 redirects} names the Location.
         *
         * @param cause why the call fails; the RequestException's cause
         * @return the decision
         */
        public static Decision fail(Throwable cause) {
            return new Decision(Objects.requireNonNull(cause, "cause"), false);
        }

        /** {@return whether this is {@link #follow()}} */
        public boolean isFollow() {
            return follow;
        }

        /** {@return the failure, or null for follow and stop} */
        public Throwable failure() {
            return failure;
        }

        @Override
        public String toString() {
            return follow ? "follow" : failure == null ? "stop" : "fail(" + failure + ")";
        }
    }
}
