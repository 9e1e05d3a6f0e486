/**
 * OpenTelemetry client spans, context propagation and the request duration histogram for Courier.
 *
 * <p>Exports {@link dev.courier.http.opentelemetry}. It needs the OpenTelemetry API only (automatic
 * modules {@code io.opentelemetry.api} and {@code io.opentelemetry.context}), required transitively because
 * {@code CourierTelemetry} takes an {@code OpenTelemetry}; the application brings the SDK it configures.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // OpenTelemetry publishes no module descriptors
module dev.courier.http.opentelemetry {
    exports dev.courier.http.opentelemetry;

    requires transitive dev.courier.http;
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;
}
