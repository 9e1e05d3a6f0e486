/**
 * Spring WebClient over Courier: {@link dev.courier.http.spring.CourierClientHttpConnector} is a
 * {@code ClientHttpConnector}, so {@code WebClient.builder().clientConnector(new CourierClientHttpConnector(client))}
 * sends WebClient's requests through a Courier {@code Client}, bodies streamed both ways with backpressure.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Spring publishes no module descriptors
module dev.courier.http.spring {
    exports dev.courier.http.spring;

    requires transitive dev.courier.http;
    requires transitive dev.courier.http.reactor;
    requires transitive spring.core;
    requires transitive spring.web;
    requires spring.webflux;
    requires reactor.core;
    requires org.reactivestreams;
}
