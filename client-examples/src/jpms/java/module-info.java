/**
 * A minimal application on the module path, for {@code JpmsIT}: it requires Courier's modules by name, as a
 * modular user would, and leaves {@code dev.courier.http.tls} to service binding.
 */
module dev.courier.examples.jpms {
    requires dev.courier.http;
    requires dev.courier.http.micrometer;
    requires dev.courier.http.opentelemetry;
    requires dev.courier.http.reactor;
    requires dev.courier.http.spring;
}
