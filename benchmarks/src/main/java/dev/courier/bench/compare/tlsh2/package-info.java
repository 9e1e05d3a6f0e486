/**
 * HTTP/2 adapters of the TLS and HTTP/2 comparison ({@link dev.courier.bench.compare.TlsH2Driver}): each
 * peer configured for HTTP/2 over TLS (ALPN) with the server's certificate trusted through the JVM's
 * default trust store, bodies counted as they stream in and dropped. Over HTTP/1.1 the driver uses the
 * plain comparison's adapters.
 */
package dev.courier.bench.compare.tlsh2;
