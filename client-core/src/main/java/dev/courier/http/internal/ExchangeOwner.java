package dev.courier.http.internal;

import dev.courier.http.ClientTrace;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.internal.body.ResponseImpl;

/**
 * What a protocol's attempt at an exchange (an HTTP/2 stream) reports to the exchange that owns the
 * caller's future, its deadline and the retry budget. Called on the connection's event loop.
 */
public interface ExchangeOwner {
    Request request();

    /** The request's trace, or null. */
    ClientTrace trace();

    /** The whole request, body included, is on the wire: a failure from now on happens awaiting the response. */
    void requestSent();

    /** The response head arrived: complete the caller's future with it. */
    void deliver(ResponseImpl response);

    /** The response body ended (or failed, or was cancelled): the whole-exchange deadline no longer applies. */
    void bodyEnded();

    /** The attempt failed before a response; retry once if {@code retryReason} is non-null and the budget allows. */
    void attemptFailed(Phase phase, Throwable cause, boolean timeout, String retryReason);

    /**
     * Go's rule for a connection that failed under a request before any response: the reason it may be
     * retried, or null.
     */
    String staleConnectionRetryReason(boolean answered, boolean nothingWritten, boolean bodyStarted);

    /** A typed failure naming the request and its connection. */
    RequestException exception(Phase phase, String detail, Throwable cause, boolean timeout);

    /** The caller gave up or the deadline passed: nothing should be started for this exchange. */
    boolean isAbandoned();
}
