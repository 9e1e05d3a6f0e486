package dev.courier.http.faultmatrix;

/**
 * What one case of the fault matrix ended in, for {@link Outcome#check}: the exception the request (or its body)
 * failed with, whether the caller's future was cancelled, what became of the connection or stream (a short text the
 * scenario derives from the transport's and server's state), and how many times the Transport retried.
 */
record Observed(Throwable failure, boolean cancelled, String effect, int retries) {

    static Observed failed(Throwable failure, int retries) {
        return new Observed(failure, false, null, retries);
    }

    static Observed succeeded(String effect, int retries) {
        return new Observed(null, false, effect, retries);
    }

    static Observed cancelled(int retries) {
        return new Observed(null, true, null, retries);
    }

    /** This observation with {@code what} as its effect. */
    Observed withEffect(String what) {
        return new Observed(failure, cancelled, what, retries);
    }

    String describe() {
        if (failure != null) {
            return "failed with " + failure + (effect == null ? "" : "; " + effect) + ", " + retries + " retries";
        }
        return (cancelled ? "was cancelled" : "succeeded") + (effect == null ? "" : ": " + effect) + ", " + retries
                + " retries";
    }
}
