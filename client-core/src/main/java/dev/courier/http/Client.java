package dev.courier.http;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sends requests through a {@link RoundTripper} and applies the policy around it (Go's
 * {@code http.Client}): redirects by its {@link RedirectPolicy}, cookies from and to its {@link CookieJar},
 * Basic auth from a URL's user info, a
 * whole-call timeout (redirects and body included), a client-wide trace, and the thread that completes
 * the futures. The Transport below knows nothing of these. Immutable and safe to share; derived clients
 * can share one Transport.
 */
public final class Client implements AutoCloseable {
    private final RoundTripper transport;
    private final boolean ownsTransport;
    private final Duration timeout;
    private final ClientTrace trace;
    private final Executor executor;
    private final RedirectPolicy redirectPolicy;
    private final CookieJar cookieJar;

    private Client(Builder b) {
        this.ownsTransport = b.transport == null;
        this.transport = b.transport != null ? b.transport : Transport.newBuilder().build();
        this.timeout = b.timeout;
        this.trace = b.trace;
        this.executor = b.executor;
        this.redirectPolicy = b.redirectPolicy;
        this.cookieJar = b.cookieJar;
    }

    /** {@return a builder for a client with the defaults: its own Transport, Go's redirect rule, no cookies, no timeout} */
    public static Builder newBuilder() {
        return new Builder();
    }

    /** {@return a client with a Transport of its own at default settings; close it to release that transport} */
    public static Client newClient() {
        return newBuilder().build();
    }

    /**
     * Sends {@code request}. The future completes with the response once its head arrived, or with a
     * {@link RequestException}; cancelling it aborts the exchange. With a {@link Builder#timeout}, the
     * timeout covers the whole call, reading the body included.
     *
     * @param request the request; its body is sent once per hop, so a redirect that must resend it (307, 308)
     *     needs a replayable body
     * @return a future completed, on the event loop unless {@link Builder#executor} is set, with the final
     *     response (after the redirects the policy follows), which the caller must read or close
     */
    public CompletableFuture<Response> send(Request request) {
        Objects.requireNonNull(request, "request");
        CompletableFuture<Response> sent = new dev.courier.http.internal.client.ClientCall(transport, redirectPolicy, cookieJar, trace,
                timeout, request).start();
        return onExecutor(sent, executor);
    }

    /**
     * Sends {@code request} and waits for its response head: {@link #send} for code that blocks, as a virtual
     * thread does cheaply (Java 21 and later). Read the body with blocking calls too
     * ({@code r.body().inputStream()}, or {@code r.body().text().get()}), and close the response when done
     * with it. Courier blocks a caller only in {@code java.util.concurrent} waits (never while holding a
     * monitor), so a virtual thread waiting here unmounts from its carrier.
     *
     * <p>An interrupt (before or during the wait) cancels the request, as cancelling {@link #send}'s future
     * does: the exchange is aborted and its connection closed or released, a response arriving after is
     * closed, and {@link InterruptedException} is thrown with the thread's interrupt status cleared, as
     * {@link java.util.concurrent.Future#get()} does.
     *
     * @param request the request to send
     * @return the response, its head read; read or close its body
     * @throws RequestException     why no response came, as {@link #send}'s future would fail: the same
     *                              exception, not wrapped in an {@code ExecutionException}
     * @throws InterruptedException the thread was interrupted; the request was cancelled
     */
    public Response sendBlocking(Request request) throws RequestException, InterruptedException {
        CompletableFuture<Response> f = send(request);
        try {
            return f.get();
        } catch (InterruptedException e) {
            if (!f.cancel(true) && !f.isCompletedExceptionally()) {
                f.join().close(); // the response came as the interrupt did: nobody will read it
            }
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RequestException) {
                throw (RequestException) cause;
            }
            // Not from Courier itself (a RoundTripper of the caller's failed otherwise): typed, with its cause.
            throw new RequestException(request.method(), request.redactedUri(), RequestException.Phase.CLIENT,
                    String.valueOf(cause), cause, false);
        }
    }

    /**
     * Sends a GET request for {@code uri}, as {@link #send} does.
     *
     * @param uri an absolute http or https URL, parsed with {@link URI#URI(String)}
     * @return a future completed with the response, or with a {@link RequestException}
     */
    public CompletableFuture<Response> get(String uri) {
        return send(Request.newBuilder(uri).build());
    }

    /**
     * Sends a GET request for {@code uri}, as {@link #send} does.
     *
     * @param uri an absolute http or https URL
     * @return a future completed with the response, or with a {@link RequestException}
     */
    public CompletableFuture<Response> get(URI uri) {
        return send(Request.newBuilder(uri).build());
    }

    /**
     * Sends a HEAD request for {@code uri}, as {@link #send} does; the response has no body to read.
     *
     * @param uri an absolute http or https URL, parsed with {@link URI#URI(String)}
     * @return a future completed with the response, or with a {@link RequestException}
     */
    public CompletableFuture<Response> head(String uri) {
        return send(Request.newBuilder(uri).method("HEAD").build());
    }

    /**
     * Sends a POST request with {@code body} to {@code uri}, as {@link #send} does.
     *
     * @param uri an absolute http or https URL, parsed with {@link URI#URI(String)}
     * @param body the request body; its Content-Type is the caller's to set, with {@link Request.Builder#header}
     * @return a future completed with the response, or with a {@link RequestException}
     */
    public CompletableFuture<Response> post(String uri, RequestBody body) {
        return send(Request.newBuilder(uri).post(body).build());
    }

    /**
     * POSTs an HTML form to {@code uri}, as Go's {@code Client.PostForm}: the values encoded by
     * {@link RequestBody#ofForm} with {@code Content-Type: application/x-www-form-urlencoded}.
     *
     * @param uri  the target
     * @param form each key's values
     * @return the response, as {@link #send}
     */
    public CompletableFuture<Response> postForm(String uri, java.util.Map<String, ? extends java.util.Collection<String>> form) {
        return post(uri, RequestBody.ofForm(form));
    }

    /** {@return the round tripper this client sends through: the Transport given, or the one it created} */
    public RoundTripper transport() {
        return transport;
    }

    /** {@return the cookie jar this client reads and fills} */
    public CookieJar cookieJar() {
        return cookieJar;
    }

    /** Closes the Transport if this client created it; a transport passed in belongs to its creator. */
    @Override
    public void close() {
        if (ownsTransport && transport instanceof Transport) {
            ((Transport) transport).close();
        }
    }

    /**
     * Completes on {@code executor} when one is set (ClientCall's errors are already typed), keeping
     * cancellation flowing back to the exchange.
     */
    private static CompletableFuture<Response> onExecutor(CompletableFuture<Response> source, Executor executor) {
        if (executor == null) {
            return source;
        }
        CompletableFuture<Response> moved = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                source.cancel(mayInterruptIfRunning);
                return super.cancel(mayInterruptIfRunning);
            }
        };
        source.whenCompleteAsync((r, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                moved.completeExceptionally(cause);
            } else if (!moved.complete(r)) {
                r.close(); // the caller gave up meanwhile: release the connection
            }
        }, executor);
        return moved;
    }

    /** Builds a {@link Client}. */
    public static final class Builder {
        private RoundTripper transport;
        private Duration timeout;
        private ClientTrace trace;
        private Executor executor;
        private RedirectPolicy redirectPolicy = RedirectPolicy.follow(10);
        private CookieJar cookieJar = CookieJar.none();

        private Builder() {
        }

        /**
         * Where cookies come from and go to: every hop sends the jar's cookies for its URL and stores the
         * Set-Cookie of its response, redirects included. {@link CookieJar#none()} (no cookies) by default.
         *
         * @param jar the jar, for example {@link CookieJar#inMemory()}; not null
         * @return this builder
         */
        public Builder cookieJar(CookieJar jar) {
            this.cookieJar = Objects.requireNonNull(jar, "cookieJar");
            return this;
        }

        /**
         * Which redirects to follow; {@code RedirectPolicy.follow(10)} (Go's default) unless set.
         *
         * @param policy the policy, called for each redirect with the next request and those before it
         * @return this builder
         */
        public Builder redirectPolicy(RedirectPolicy policy) {
            this.redirectPolicy = Objects.requireNonNull(policy, "redirectPolicy");
            return this;
        }

        /**
         * The round tripper to send through: a {@link Transport}, or middleware around one. Without one the
         * client builds a Transport of its own, which {@link Client#close()} closes.
         *
         * @param transport the round tripper; the caller keeps it and closes it
         * @return this builder
         */
        public Builder transport(RoundTripper transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Time allowed for the whole call, reading the body included (Go's {@code Client.Timeout}); zero for none.
         *
         * @param timeout the time limit, zero or positive; when it expires the call fails with a
         *     {@link RequestException} whose {@link RequestException#isTimeout()} is true
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout < 0: " + timeout);
            }
            this.timeout = timeout.isZero() ? null : timeout;
            return this;
        }

        /**
         * A trace for every request this client sends, called before each request's own trace.
         *
         * @param trace the trace, called on event loops (it must not block); null for none
         * @return this builder
         */
        public Builder trace(ClientTrace trace) {
            this.trace = trace;
            return this;
        }

        /**
         * Completes response futures on {@code executor} instead of the connection's event loop: for callers
         * whose callbacks block. Body signals still run on the event loop.
         *
         * @param executor runs the completion of every future {@link Client#send} returns
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** {@return a client with this builder's settings} */
        public Client build() {
            return new Client(this);
        }
    }
}
