package dev.courier.http;

import java.io.IOException;
import java.util.List;

/**
 * One row of docs/MALFORMED-RESPONSES.md: what a server sends, what Courier does with it, and why. The
 * rows are listed in {@link MalformedResponseTable}; {@link MalformedResponseTest} plays every one against
 * a real loopback server and writes (or checks) the document from the same list, so the two cannot drift.
 *
 * @param section  the heading the row sits under
 * @param name     what the row is about, in a few words
 * @param wire     what the server sends: for HTTP/1.1 the exact bytes; for HTTP/2 a description of the frames
 * @param shown    how the document shows {@code wire} when the bytes are too long or odd to print as they are
 *                 (null: print the bytes, escaped)
 * @param setup    the request and server options of the row
 * @param outcome  Courier's behaviour
 * @param why      the RFC section or Go reference behind it
 */
record MalformedResponseCase(String section, String name, String wire, String shown, Setup setup, Outcome outcome,
                             String why) {

    /** How the exchange is set up around the bytes; {@link #DEFAULT} is a GET and a server that stays open. */
    record Setup(String method, boolean serverCloses, int throttleBytes, boolean expectContinue, int maxHeaderBytes,
                 H2Script h2) {
        static final Setup DEFAULT = new Setup("GET", false, 0, false, 0, null);

        Setup head() {
            return new Setup("HEAD", serverCloses, throttleBytes, expectContinue, maxHeaderBytes, h2);
        }

        /** The server closes the connection once the bytes are written. */
        Setup closes() {
            return new Setup(method, true, throttleBytes, expectContinue, maxHeaderBytes, h2);
        }

        /** The server writes {@code bytes} at a time with a pause between (so later bytes arrive after the response). */
        Setup throttled(int bytes) {
            return new Setup(method, serverCloses, bytes, expectContinue, maxHeaderBytes, h2);
        }

        /** A POST with {@code Expect: 100-continue} that the server answers before taking its body. */
        Setup answeredBeforeTheBody() {
            return new Setup("POST", serverCloses, throttleBytes, true, maxHeaderBytes, h2);
        }

        Setup maxHeaderBytes(int n) {
            return new Setup(method, serverCloses, throttleBytes, expectContinue, n, h2);
        }

        Setup h2(H2Script script) {
            return new Setup(method, serverCloses, throttleBytes, expectContinue, maxHeaderBytes, script);
        }
    }

    /** Builds the H2TestServer's response for an HTTP/2 row. */
    interface H2Script {
        dev.courier.http.testing.H2Response response();
    }

    /** What Courier does. */
    sealed interface Outcome permits Accepted, HeadFails, BodyFails {
    }

    /** What happens to the connection after an accepted response. */
    enum Fate {
        /** It carries the next request. */
        REUSED("connection reused"),
        /** Courier closes it (or the server did); the next request takes a new one. */
        CLOSED("connection not reused");

        final String text;

        Fate(String text) {
            this.text = text;
        }
    }

    /**
     * The response is delivered with this status and body text; {@code checks} are further assertions in a
     * small language the test reads: {@code header N: V}, {@code no header N}, {@code header names A, B},
     * {@code trailer names A, B}, {@code reason "R"}, {@code protocol P}.
     */
    record Accepted(int status, String body, Fate fate, List<String> checks) implements Outcome {
    }

    /** The call fails in phase AWAIT_HEADERS with a cause of exactly this type and message. */
    record HeadFails(Class<? extends IOException> type, String message) implements Outcome {
    }

    /** The response (this status) is delivered, then its body fails in READ_BODY with this cause. */
    record BodyFails(int status, Class<? extends IOException> type, String message) implements Outcome {
    }
}
