package dev.courier.http.reactor;

import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.reactor.internal.ResponseMono;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reactor views of a Courier {@link Client}: a response as a {@link Mono}, a body as a {@link Flux}, with
 * demand and cancellation carried through to the connection.
 *
 * <pre>{@code
 * ReactiveClient reactive = ReactiveClient.of(client);
 * Flux<ByteBuffer> bytes = reactive.send(Request.newBuilder(uri).build()).flatMapMany(ReactiveClient::body);
 * Mono<String> text = reactive.exchange(request, response -> Mono.fromFuture(response.body().text())).next();
 * }</pre>
 *
 * <p>The rules are Courier's, seen through Reactor:
 * <ul>
 *   <li>{@link #send} is lazy: nothing is sent until subscription, and each subscription sends the request
 *       once more (so {@code retry()} resends; a request whose body is a one-shot publisher cannot be sent
 *       twice). Cancelling before the response arrived cancels the request; a response that arrives after
 *       the cancellation, or that was never requested, is closed, so its connection is released.
 *   <li>The {@link Response} a subscriber receives is a lease on its connection, as with
 *       {@link Client#send}: read its body to the end or close it. {@link #exchange} does the closing.
 *   <li>{@link #body} reads from the socket only as the Flux's subscriber demands; cancelling it closes the
 *       connection (or drains a small remainder), like {@link Response#close()}.
 * </ul>
 *
 * <p>Signals arrive on the connection's event loop (or the client's executor): do not block in them.
 * Immutable and thread-safe; it holds nothing but the client, which it never closes.
 */
public final class ReactiveClient {
    private final Client client;

    private ReactiveClient(Client client) {
        this.client = client;
    }

    /**
     * Reactor views of {@code client}, which keeps its configuration (redirects, cookies, timeout, executor).
     *
     * @param client the client to send with
     * @return the views
     */
    public static ReactiveClient of(Client client) {
        return new ReactiveClient(Objects.requireNonNull(client, "client"));
    }

    /**
     * The client requests are sent with.
     *
     * @return the client given to {@link #of}
     */
    public Client client() {
        return client;
    }

    /**
     * A Mono that sends {@code request} when subscribed and emits its response once the head arrived, or
     * fails with the {@link dev.courier.http.RequestException} {@link Client#send} fails with. Cancelling
     * it before the response is emitted cancels the exchange and releases the connection.
     *
     * @param request the request, sent once per subscription
     * @return a Mono of the response
     */
    public Mono<Response> send(Request request) {
        Objects.requireNonNull(request, "request");
        return new ResponseMono(client, request);
    }

    /**
     * Sends {@code request}, applies {@code handler} to the response and emits what the handler's publisher
     * emits; when that publisher ends, fails or is cancelled, the response is closed (a no-op for a body
     * read to its end), so that a handler that ignores the body cannot leak the connection.
     *
     * @param request the request, sent once per subscription
     * @param handler turns the response into the publisher whose items the Flux emits
     * @param <T> the type of those items
     * @return a Flux of what the handler's publisher emits
     */
    public <T> Flux<T> exchange(Request request, Function<? super Response, ? extends Publisher<T>> handler) {
        Objects.requireNonNull(handler, "handler");
        return send(request).flatMapMany(response -> {
            Publisher<T> result;
            try {
                result = handler.apply(response);
            } catch (Throwable t) {
                response.close();
                return Flux.error(t);
            }
            return Flux.from(result).doFinally(signal -> response.close());
        });
    }

    /**
     * The body of {@code response} as a Flux of buffers the subscriber owns (heap buffers, nothing to
     * release). Backpressured: nothing beyond the subscriber's demand is read from the socket. Cancelling
     * the subscription closes the body; completing it returns the connection to the pool. Like the body
     * itself, the Flux may be subscribed once.
     *
     * @param response the response whose body to read
     * @return the body's buffers
     */
    public static Flux<ByteBuffer> body(Response response) {
        Objects.requireNonNull(response, "response");
        return JdkFlowAdapter.flowPublisherToFlux(response.body());
    }
}
