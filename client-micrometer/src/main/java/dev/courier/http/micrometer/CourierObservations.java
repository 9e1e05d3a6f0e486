package dev.courier.http.micrometer;

import dev.courier.http.Request;
import dev.courier.http.Response;
import dev.courier.http.RoundTripper;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Micrometer Observation for Courier, the way Spring Boot 3 instruments HTTP clients: a
 * {@link RoundTripper} middleware that runs one {@link Observation} per exchange with a
 * {@link CourierObservationContext}. The registry's handlers decide what it becomes: a timer through
 * a {@code DefaultMeterObservationHandler}, a span through Micrometer Tracing (whose propagator writes
 * its headers into the request through the context's carrier).
 *
 * <pre>{@code
 * RoundTripper observed = CourierObservations.builder(observationRegistry).build().instrument(transport);
 * Client client = Client.newBuilder().transport(observed).build();
 * }</pre>
 *
 * The observation stops when the response body ends (read, failed or closed), with the body's error if
 * it failed. Its parent is the registry's current observation when the request is sent; a redirect hop
 * that a {@link dev.courier.http.Client} sends later, from an event loop, gets the first hop's parent
 * (carried in a request attribute).
 */
public final class CourierObservations {
    private final ObservationRegistry registry;
    private final CourierObservationConvention convention;

    private CourierObservations(Builder b) {
        this.registry = b.registry;
        this.convention = b.convention;
    }

    /**
     * Starts the observations for {@code registry}.
     *
     * @param registry the registry whose handlers (timers, tracing) receive each observation; a no-op
     *     registry leaves requests untouched
     * @return a builder with the default convention
     */
    public static Builder builder(ObservationRegistry registry) {
        return new Builder(registry);
    }

    /**
     * {@return a round tripper that sends through {@code next} and observes every exchange}
     *
     * @param next the round tripper to observe: a Transport, or middleware around one
     */
    public RoundTripper instrument(RoundTripper next) {
        Objects.requireNonNull(next, "next");
        return request -> roundTrip(next, request);
    }

    private CompletableFuture<Response> roundTrip(RoundTripper next, Request request) {
        if (registry.isNoop()) {
            return next.roundTrip(request);
        }
        CourierObservationContext context = new CourierObservationContext(request);
        Observation observation = Observation.createNotStarted(convention, DefaultCourierObservationConvention.INSTANCE,
                () -> context, registry);
        Parent parent = request.attribute(Parent.class);
        if (parent == null) {
            Observation current = registry.getCurrentObservation();
            if (current != null) {
                parent = new Parent(current);
            }
        } else {
            observation.parentObservation(parent.observation());
        }
        observation.start();
        Request.Builder carrier = context.getCarrier();
        if (parent != null) {
            carrier.attribute(Parent.class, parent);
        }
        Request sent = carrier.build();
        context.sent(sent);
        CompletableFuture<Response> f;
        try {
            f = next.roundTrip(sent);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((response, error) -> {
            if (error != null) {
                observation.error(HttpTags.unwrap(error));
                observation.stop();
                return;
            }
            context.setResponse(response);
            if (response.upgradedConnection().isPresent()) {
                observation.stop();
                return;
            }
            response.trailers().whenComplete((trailers, bodyError) -> {
                if (bodyError != null) {
                    observation.error(HttpTags.unwrap(bodyError));
                }
                observation.stop();
            });
        });
        return f;
    }

    /** The observation that was current when the first hop of a call was sent; carried to later hops. */
    record Parent(Observation observation) {
    }

    /** Builds {@link CourierObservations}. */
    public static final class Builder {
        private final ObservationRegistry registry;
        private CourierObservationConvention convention;

        private Builder(ObservationRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * A convention to use instead of the default (a registry's global convention still takes precedence).
         *
         * @param convention names the observation and gives its key values
         * @return this builder
         */
        public Builder convention(CourierObservationConvention convention) {
            this.convention = Objects.requireNonNull(convention, "convention");
            return this;
        }

        /** {@return the observations, ready to {@link CourierObservations#instrument instrument} round trippers} */
        public CourierObservations build() {
            return new CourierObservations(this);
        }
    }
}
