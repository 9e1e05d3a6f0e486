/**
 * Reactor views of Courier: {@link dev.courier.http.reactor.ReactiveClient} sends requests as
 * {@code Mono<Response>} and reads bodies as {@code Flux<ByteBuffer>}, with cancellation wired through to
 * the request and its connection.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Reactor publishes no module descriptor
module dev.courier.http.reactor {
    exports dev.courier.http.reactor;

    requires transitive dev.courier.http;
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
}
