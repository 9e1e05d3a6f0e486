/**
 * Reactor views of Courier: {@link dev.courier.http.reactor.ReactiveClient} turns a {@code Client} into
 * {@code Mono<Response>} and a response body into a backpressured {@code Flux<ByteBuffer>}, with cancellation
 * reaching the connection.
 *
 * <p>This module adds reactor-core and nothing else. Spring's WebClient connector lives in its own module,
 * {@code client-spring}, built on these views: spring-webflux brings spring-web, spring-core, spring-beans and
 * micrometer-observation (about 6 MB of jars), which Reactor users without Spring should not pay for, and an optional
 * dependency would instead turn a missing jar into a {@code NoClassDefFoundError} at run time.
 */
package dev.courier.http.reactor;
