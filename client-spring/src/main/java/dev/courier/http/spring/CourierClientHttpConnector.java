package dev.courier.http.spring;

import dev.courier.http.Client;
import dev.courier.http.CookieJar;
import dev.courier.http.RedirectPolicy;
import dev.courier.http.reactor.ReactiveClient;
import dev.courier.http.spring.internal.CourierClientHttpRequest;
import dev.courier.http.spring.internal.CourierClientHttpResponse;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import reactor.core.publisher.Mono;

/**
 * Spring's {@link ClientHttpConnector} over a Courier {@link Client}, so that a {@code WebClient} sends
 * through Courier's pool, proxies and TLS:
 *
 * <pre>{@code
 * WebClient web = WebClient.builder().clientConnector(new CourierClientHttpConnector(client)).build();
 * }</pre>
 *
 * <p>What it does with each exchange:
 * <ul>
 *   <li>The request's method, URI and headers go to Courier as they are, its cookies as one {@code Cookie}
 *       field. Content-Length and Transfer-Encoding are Courier's to write: a Content-Length set by
 *       WebClient's encoders becomes the body's declared length, otherwise the body is sent chunked.
 *   <li>The request body is streamed from WebClient's publisher as Courier's socket can take it (no
 *       aggregation); heap buffers from WebClient's encoders are sent without a copy, any other
 *       {@code DataBuffer} is copied and released at once.
 *   <li>The response body is a {@code Flux<DataBuffer>} of heap buffers ({@link DefaultDataBufferFactory}):
 *       nothing is reference counted, so a buffer a codec forgets to release leaks nothing. It reads from the
 *       socket only as WebClient demands, and cancelling it closes the connection.
 *   <li>Cancelling the exchange (disposing of the WebClient subscription) before the response head arrived
 *       cancels the Courier request; after it, but before the body was subscribed, closes the response.
 *       Either way the connection is released.
 *   <li>Failures reach WebClient as Courier's {@link dev.courier.http.RequestException}, which WebClient
 *       wraps in its {@code WebClientRequestException}.
 * </ul>
 *
 * <p>The {@link Client} passed in is used as it is: its redirect policy, cookie jar, timeout, proxy and TLS
 * settings all apply, below WebClient's own filters. Redirects and cookies are usually WebClient's business,
 * so a client made for WebClient normally keeps {@link RedirectPolicy#none()} and {@link CookieJar#none()}
 * (the no-argument constructor does). The connector never closes a client it was given; {@link #close()}
 * closes only the one it created. Spring calls {@code close()} on a {@code @Bean} connector when its context
 * closes.
 */
public final class CourierClientHttpConnector implements ClientHttpConnector, AutoCloseable {
    private final Client client;
    private final ReactiveClient reactive;
    private final boolean ownsClient;

    /**
     * A connector over a client of its own, with a Transport at default settings, no redirects followed (as
     * Spring's other connectors by default) and no cookie jar; {@link #close()} closes it.
     */
    public CourierClientHttpConnector() {
        this(Client.newBuilder().redirectPolicy(RedirectPolicy.none()).build(), true);
    }

    /**
     * A connector sending through {@code client}, used as configured and never closed by the connector.
     *
     * @param client the client to send WebClient's requests with
     */
    public CourierClientHttpConnector(Client client) {
        this(Objects.requireNonNull(client, "client"), false);
    }

    private CourierClientHttpConnector(Client client, boolean ownsClient) {
        this.client = client;
        this.reactive = ReactiveClient.of(client);
        this.ownsClient = ownsClient;
    }

    /**
     * The client this connector sends with.
     *
     * @return the client given, or the one this connector created
     */
    public Client client() {
        return client;
    }

    /**
     * Prepares the request with {@code requestCallback} (WebClient writes its headers and body publisher),
     * then sends it; the Mono emits the response once its head arrived.
     */
    @Override
    public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
                                            Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
        // Deferred, so that each subscription (a retry) prepares a request of its own: a committed request and its
        // one-shot body publisher cannot be sent twice.
        return Mono.defer(() -> {
            CourierClientHttpRequest request = new CourierClientHttpRequest(method, uri, DefaultDataBufferFactory.sharedInstance);
            return requestCallback.apply(request).then(Mono.defer(() -> exchange(request)));
        });
    }

    private Mono<ClientHttpResponse> exchange(CourierClientHttpRequest request) {
        // Reactor cancels a Mono's upstream even after it emitted (MonoFlatMap cancels its source with its inner),
        // so a cancel seen here may come after the response was handed over: only an unsubscribed body is closed.
        AtomicReference<CourierClientHttpResponse> emitted = new AtomicReference<>();
        return reactive.send(request.toCourierRequest())
                .map(response -> {
                    CourierClientHttpResponse r = new CourierClientHttpResponse(response, DefaultDataBufferFactory.sharedInstance);
                    emitted.set(r);
                    return (ClientHttpResponse) r;
                })
                .doOnCancel(() -> {
                    CourierClientHttpResponse r = emitted.get();
                    if (r != null) {
                        r.releaseIfUnsubscribed();
                    }
                });
    }

    /** Closes the client if this connector created it ({@link #CourierClientHttpConnector()}); else nothing. */
    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "CourierClientHttpConnector[" + client.transport() + "]";
    }
}
