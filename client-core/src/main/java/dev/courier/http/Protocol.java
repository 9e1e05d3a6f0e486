package dev.courier.http;

/** The HTTP version a response arrived over. */
public enum Protocol {
    /** HTTP/1.0: a server that answered in 1.0; the connection is not kept unless it says keep-alive. */
    HTTP_1_0("HTTP/1.0"),
    /** HTTP/1.1 (RFC 9112), over plaintext or TLS. */
    HTTP_1_1("HTTP/1.1"),
    /** HTTP/2 (RFC 9113), negotiated by ALPN over TLS or spoken with prior knowledge (h2c). */
    HTTP_2("h2");

    private final String text;

    Protocol(String text) {
        this.text = text;
    }

    /** As written on the wire or in ALPN: "HTTP/1.1", "h2". */
    @Override
    public String toString() {
        return text;
    }
}
