/**
 * Spring WebClient over Courier: {@link dev.courier.http.spring.CourierClientHttpConnector} is a
 * {@code ClientHttpConnector}, so {@code WebClient.builder().clientConnector(new CourierClientHttpConnector(client))}
 * sends through a Courier {@code Client}.
 *
 * <p>It has a module of its own, {@code client-spring}, rather than being an optional part of
 * {@code client-reactor}: spring-webflux brings spring-web, spring-core, spring-beans and micrometer-observation
 * (about 6 MB of jars), which users of the Reactor views alone should not pay for, and an optional dependency
 * would only move the choice from the pom to a {@code NoClassDefFoundError} at run time. The connector is built
 * on client-reactor's public {@code ReactiveClient}, so both behave the same on cancellation and backpressure.
 */
package dev.courier.http.spring;
