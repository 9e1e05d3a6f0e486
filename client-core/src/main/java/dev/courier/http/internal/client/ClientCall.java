package dev.courier.http.internal.client;

import dev.courier.http.ClientTrace;
import dev.courier.http.Cookie;
import dev.courier.http.CookieJar;
import dev.courier.http.Headers;
import dev.courier.http.RedirectPolicy;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import dev.courier.http.RoundTripper;
import dev.courier.http.internal.ExchangeFuture;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One {@code Client.send}: Go's {@code Client.do} loop, asynchronously. Sends a hop through the round
 * tripper, and while the response is a redirect the policy accepts, drains it and sends the next hop,
 * carrying headers by Go's rules. Adds Basic auth from the URL's user info, and bounds the whole call,
 * body included, by the client timeout.
 *
 * <p>Hops run one after the other; the fields are written before a hop is sent and read after it
 * completes, so the future's happens-before edges order them.
 */
public final class ClientCall extends CompletableFuture<Response> implements BiConsumer<Response, Throwable> {
    private final RoundTripper transport;
    private final RedirectPolicy policy;
    private final CookieJar jar;
    private final ClientTrace trace;
    private final long deadlineNanos;
    private final Duration timeout;
    private final Request initial;
    /**
     * The hop in flight (the last sent), read by its completion callback; while it is the only one, it is
     * all the hops there are. This call is itself the caller's future and the hop's completion callback:
     * no further objects per call.
     */
    private Request hopInFlight;
    /** Every hop sent, oldest first; made only once a redirect is followed. */
    private List<Request> hops;

    /**
     * The initial request's headers, minus credentials once a redirect left their host (never restored:
     * CVE-2024-45336), and minus the caller's cookies that a redirect set or deleted (golang/go#17494).
     */
    private Headers carried;
    private volatile CompletableFuture<Response> current;
    private Response previous;

    public ClientCall(RoundTripper transport, RedirectPolicy policy, CookieJar jar, ClientTrace trace, Duration timeout,
                      Request initial) {
        this.transport = transport;
        this.policy = policy;
        this.jar = jar == CookieJar.none() ? null : jar;
        this.trace = trace;
        this.timeout = timeout;
        this.deadlineNanos = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        this.initial = initial;
        this.carried = initial.headers();
    }

    public CompletableFuture<Response> start() {
        send(initial);
        return this;
    }

    /** Cancelling aborts the hop in flight; once the response was delivered, it closes its body (as the Transport does). */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        CompletableFuture<Response> hop = current;
        if (cancelled && hop != null) {
            hop.cancel(mayInterruptIfRunning);
        } else if (!cancelled && isDone() && !isCompletedExceptionally()) {
            getNow(null).close();
        }
        return cancelled;
    }

    private void send(Request request) {
        Request prepared;
        try {
            prepared = prepare(request);
        } catch (RequestException e) {
            completeExceptionally(e);
            return;
        }
        if (hopInFlight != null) {
            if (hops == null) {
                hops = new ArrayList<>(4);
                hops.add(hopInFlight);
            }
            hops.add(prepared);
        }
        hopInFlight = prepared;
        CompletableFuture<Response> hop;
        try {
            hop = transport.roundTrip(prepared);
        } catch (RuntimeException e) {
            hop = CompletableFuture.failedFuture(e);
        }
        current = hop;
        if (isCancelled()) {
            hop.cancel(true);
        }
        if (hop instanceof ExchangeFuture) {
            ((ExchangeFuture) hop).listen(this); // no completion node, no returned future
        } else {
            hop.whenComplete(this);
        }
    }

    /** A hop completed. */
    @Override
    public void accept(Response response, Throwable error) {
        Request prepared = hopInFlight;
        if (error != null) {
            fail(prepared, unwrap(error));
        } else {
            onResponse(prepared, response);
        }
    }

    /** Adds what the client adds to every hop: Basic auth from user info, the remaining time, the client trace. */
    private Request prepare(Request request) throws RequestException {
        String userInfo = request.uri().getUserInfo();
        boolean addAuth = userInfo != null && !request.headers().contains("Authorization");
        Duration remaining = null;
        if (deadlineNanos != 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new RequestException(request.method(), request.redactedUri(), RequestException.Phase.CLIENT,
                        "Client.timeout " + timeout + " expired before the request could be sent", new TimeoutException(), true);
            }
            remaining = Duration.ofNanos(left);
            if (request.timeout() != null && request.timeout().compareTo(remaining) < 0) {
                remaining = null; // the request's own, shorter timeout stands
            }
        }
        List<Cookie> cookies = jar == null ? List.of() : jar.cookies(request.uri());
        if (!addAuth && remaining == null && trace == null && cookies.isEmpty()) {
            return request;
        }
        Request.Builder b = request.toBuilder();
        if (!cookies.isEmpty()) {
            // Go's Request.AddCookie: the jar's cookies join any the caller set, in one Cookie field.
            String own = request.headers().first("Cookie");
            String fromJar = CookieJar.header(cookies);
            b.setHeader("Cookie", own == null || own.isEmpty() ? fromJar : own + "; " + fromJar);
        }
        if (addAuth) {
            b.setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        if (remaining != null) {
            b.timeout(remaining);
        }
        if (trace != null) {
            b.trace(ClientTrace.compose(trace, request.trace()));
        }
        return b.build();
    }

    private void onResponse(Request request, Response response) {
        List<Cookie> set = jar == null ? List.of() : storeCookies(request, response);
        Redirects.Behavior behavior = Redirects.behavior(request, response, initial);
        if (behavior == null) {
            deliver(response);
            return;
        }
        String location = response.headers().first("Location");
        URI target;
        try {
            target = Redirects.resolve(request.uri(), location);
        } catch (URISyntaxException | IllegalArgumentException e) {
            response.close();
            fail(request, new java.io.IOException("failed to parse Location header \"" + location + "\": " + e.getMessage(), e));
            return;
        }
        Request next;
        try {
            next = nextRequest(request, behavior, target, location, set, response.request());
        } catch (IllegalArgumentException e) {
            response.close();
            fail(request, new java.io.IOException("cannot follow the redirect to \"" + location + "\": " + e.getMessage(), e));
            return;
        }
        RedirectPolicy.Decision decision;
        try {
            decision = policy.decide(next, via());
        } catch (RuntimeException e) {
            decision = RedirectPolicy.Decision.fail(e);
        }
        if (decision.isFollow()) {
            Response followed = response;
            BodyDrain.drainThenClose(response).whenComplete((ignored, error) -> {
                previous = previous == null ? followed : new ClientResponse(followed, previous);
                send(next);
            });
        } else if (decision.failure() == null) {
            deliver(response); // Go's ErrUseLastResponse: the caller gets the redirect itself, body open
        } else {
            BodyDrain.drainThenClose(response);
            // Go names the Location the policy refused ("Get \"/?n=10\": stopped after 10 redirects"), not the
            // last request sent: that one succeeded, and the refused URL is what the caller needs to see.
            fail(next, decision.failure());
        }
    }

    /**
     * Every hop's Set-Cookie goes to the jar, redirects included; malformed lines are skipped, as browsers
     * do. Returns the cookies parsed, whether or not the jar kept them.
     */
    private List<Cookie> storeCookies(Request request, Response response) {
        List<String> lines = response.headers().all("Set-Cookie");
        if (lines.isEmpty()) {
            return List.of();
        }
        List<Cookie> parsed = new ArrayList<>(lines.size());
        for (String line : lines) {
            Cookie.parse(line).ifPresent(parsed::add);
        }
        if (!parsed.isEmpty()) {
            jar.setCookies(request.uri(), parsed);
        }
        return parsed;
    }

    /**
     * The next hop of a redirect, built by Go's rules (see {@link Redirects}); {@code set} holds the cookies
     * the redirect response set, which replace the caller's cookies of the same names (with a jar only);
     * {@code sent} is the request as the round tripper sent it (its attributes carry over).
     */
    private Request nextRequest(Request request, Redirects.Behavior behavior, URI target, String location,
                                List<Cookie> set, Request sent) {
        if (!set.isEmpty()) {
            carried = Redirects.withoutCookiesSetBy(carried, set);
        }
        // Judged against the initial URL, whose credentials these are, as Go does since 1.22.11/1.23.5.
        if (!Redirects.mayCarryCredentials(initial.uri(), target)) {
            Headers.Builder stripped = carried.toBuilder();
            for (String name : carried.names()) {
                if (Redirects.SENSITIVE.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    stripped.remove(name);
                }
            }
            carried = stripped.build();
        }
        Headers headers = carried;
        String customHost = initial.headers().first("Host");
        boolean relative = !isAbsolute(location);
        if (customHost != null && !relative) {
            headers = headers.toBuilder().remove("Host").build(); // a custom Host only survives relative redirects
        }
        Request.Builder b = Request.newBuilder(target).method(behavior.method());
        if (behavior.includeBody()) {
            b.body(initial.body());
        } else {
            headers = Redirects.withoutContentHeaders(headers);
        }
        b.headers(headers);
        String referer = Redirects.referer(request.uri(), target);
        if (referer != null) {
            b.setHeader("Referer", referer);
        } else {
            b.removeHeader("Referer");
        }
        if (initial.timeout() != null) {
            b.timeout(initial.timeout());
        }
        b.trace(initial.trace());
        // The attributes of the request as the round tripper sent it: middleware may have added per-call
        // state (a parent span, a resend count) that the next hop needs.
        b.attributes((sent != null ? sent : request).attributes());
        return b.build();
    }

    private static boolean isAbsolute(String location) {
        try {
            return new URI(location.trim()).isAbsolute();
        } catch (URISyntaxException e) {
            return true;
        }
    }

    private void deliver(Response response) {
        Response out = previous == null ? response : new ClientResponse(response, previous);
        if (!complete(out)) {
            response.close();
        }
    }

    private void fail(Request request, Throwable error) {
        if (error instanceof RequestException || error instanceof CancellationException) {
            completeExceptionally(error);
            return;
        }
        completeExceptionally(new RequestException(request.method(), request.redactedUri(),
                RequestException.Phase.CLIENT, null, error, error instanceof TimeoutException));
    }

    /** The requests sent so far, oldest first, for the redirect policy. */
    private List<Request> via() {
        return hops == null ? List.of(hopInFlight) : List.copyOf(hops);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
