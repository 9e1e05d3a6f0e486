package dev.courier.http.faultmatrix;

/** The three ways the fault matrix talks to a server: the columns of its table. */
enum Proto {
    H1("HTTP/1.1"),
    H1_TLS("HTTP/1.1 + TLS"),
    H2("HTTP/2 (TLS, ALPN h2)");

    final String title;

    Proto(String title) {
        this.title = title;
    }

    boolean tls() {
        return this != H1;
    }
}
