package dev.courier.bench.soak;

/** The three ways the soak reaches its servers: HTTP/1.1, HTTP/1.1 over TLS, HTTP/2 over TLS (ALPN h2). */
enum Proto {
    H1("h1"),
    H1_TLS("h1-tls"),
    H2("h2");

    final String label;

    Proto(String label) {
        this.label = label;
    }
}
