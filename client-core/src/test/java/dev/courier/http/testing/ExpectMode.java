package dev.courier.http.testing;

/**
 * How a {@link TestServer} answers a request carrying {@code Expect: 100-continue}.
 */
public enum ExpectMode {
    /** Write {@code HTTP/1.1 100 Continue}, read the body, then send the final response (the default). */
    SEND_100,
    /** Send the final response at once without reading the body, then close the connection. */
    FINAL_WITHOUT_100,
    /** Send no interim response; wait for the body (sent after the client's own timeout), then respond. */
    IGNORE
}
