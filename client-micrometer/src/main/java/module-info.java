/**
 * Micrometer timers, counters and pool gauges for Courier, and Micrometer Observation of each request.
 *
 * <p>Exports {@link dev.courier.http.micrometer}. Micrometer's jars are automatic modules
 * ({@code micrometer.core}, {@code micrometer.observation}, {@code micrometer.commons}); they are required
 * transitively because this module's API takes and returns their types ({@code MeterRegistry},
 * {@code ObservationRegistry}, {@code KeyValues}), as is {@code dev.courier.http} for {@code RoundTripper}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Micrometer publishes no module descriptors
module dev.courier.http.micrometer {
    exports dev.courier.http.micrometer;

    requires transitive dev.courier.http;
    requires transitive micrometer.commons;
    requires transitive micrometer.core;
    requires transitive micrometer.observation;
}
