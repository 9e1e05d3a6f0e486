package dev.courier.http.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/** A convention for Courier's client observations; implement it to change names or key values. */
public interface CourierObservationConvention extends ObservationConvention<CourierObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof CourierObservationContext;
    }
}
