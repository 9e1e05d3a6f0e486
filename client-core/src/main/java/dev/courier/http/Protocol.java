package dev.courier.http;

/** The HTTP version a response arrived over. */
public enum Protocol {
    HTTP_1_0("HTTP/1.0"),
    HTTP_1_1("HTTP/1.1"),
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
