package dev.courier.http;

import dev.courier.http.MalformedResponseCase.Accepted;
import dev.courier.http.MalformedResponseCase.BodyFails;
import dev.courier.http.MalformedResponseCase.HeadFails;
import dev.courier.http.MalformedResponseCase.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Renders docs/MALFORMED-RESPONSES.md from the rows of {@link MalformedResponseTable}
 * and {@link MalformedH2ResponseTable}.
 */
final class MalformedResponseDoc {
    private static final String INTRO = """
            # Malformed and unusual responses

            What Courier does with every kind of malformed or unusual response its HTTP/1.1 decoder handles
            (`client-core/src/main/java/dev/courier/http/internal/h1`: `Http1ResponseDecoder`, `HeadParser`,
            `FieldReader`), and with the HTTP/2 cases that have a counterpart (`internal/h2/Http2Stream` on Netty's
            HTTP/2 codec).

            This file is generated from `MalformedResponseTable` and `MalformedH2ResponseTable` (client-core test
            sources) by `MalformedResponseTest`, which plays every row against a loopback test server and asserts
            exactly the outcome shown, what becomes of the connection, and that no connection is left leased. Do not
            edit it by hand: edit the rows, then run
            `mvn -pl client-core verify -Dtest=MalformedResponseTest -Dcourier.writeDocs=true`.

            ## The rules

            - **Ambiguous framing fails.** Whatever could make Courier and another parser (a proxy, a cache) disagree
              on where a response ends fails the response: differing Content-Length values, a Transfer-Encoding other
              than `chunked` alone, whitespace between a field name and its colon, a bare CR. Smuggling and response
              splitting live in such disagreements (RFC 9112 section 11.2).
            - **Control characters in fields fail the response.** RFC 9110 section 5.5 lets a recipient of CR, LF or
              NUL in a field value either reject the message or replace each with SP. Courier rejects, and, like Go's
              HTTP/2 framer and current `net/textproto`, refuses every control character but HTAB: a replaced value
              is not what the server sent, and a rejected one cannot be misread. The check costs nothing extra: it
              rides on the search for each line's end.
            - **Nothing follows a complete response.** Bytes after a response that is complete (a body longer than
              its Content-Length, a 204 or a HEAD response with a body, anything on an idle connection) answer no
              request: the connection is closed instead of reused, as Go's `persistConn` does on an "Unsolicited
              response received on idle HTTP channel".
            - **Typed errors.** A malformed response fails with a `RequestException` whose cause is a
              `java.net.ProtocolException`: in phase `AWAIT_HEADERS` for the head (no response is delivered), in
              `READ_BODY` for the body (the response was delivered; reading its body fails). Limits and early closes
              are plain `IOException`s. The connection of a failed HTTP/1.1 exchange is always closed.
            - Where the RFC leaves a choice, Courier follows Go's `net/http`; the deliberate differences are listed in
              the README's "Differences from Go".

            In the tables, bytes are shown with `\\r`, `\\n`, `\\t`, `\\0` and `\\xNN` for control characters.
            """;

    private MalformedResponseDoc() {
    }

    /** docs/MALFORMED-RESPONSES.md at the root of the repository (the tests run in a module's directory). */
    static Path path() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("client-core"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no repository root (with client-core) above " + System.getProperty("user.dir"));
        }
        return dir.resolve("docs").resolve("MALFORMED-RESPONSES.md");
    }

    static String render(List<MalformedResponseCase> http1, List<MalformedResponseCase> http2) {
        StringBuilder sb = new StringBuilder(INTRO);
        sb.append("\n## HTTP/1.1\n");
        table(sb, http1, "Bytes from the server");
        sb.append("\n## HTTP/2\n\nThe cases that exist in HTTP/2 (RFC 9113 section 8). Most are found by Netty's "
                + "codec, which resets the stream with PROTOCOL_ERROR; the connection carries on.\n");
        table(sb, http2, "What the server sends");
        return sb.toString();
    }

    private static void table(StringBuilder sb, List<MalformedResponseCase> rows, String wireHeading) {
        String section = null;
        for (MalformedResponseCase c : rows) {
            if (!c.section().equals(section)) {
                section = c.section();
                sb.append("\n### ").append(section).append("\n\n")
                        .append("| Case | ").append(wireHeading).append(" | Courier | Why |\n")
                        .append("|---|---|---|---|\n");
            }
            String wire = c.shown() != null ? c.shown() : c.setup().h2() != null ? c.wire() : escape(c.wire());
            sb.append("| ").append(cell(c.name()))
                    .append(" | ").append(code(wire)).append(setupNote(c))
                    .append(" | ").append(outcome(c.outcome()))
                    .append(" | ").append(cell(c.why()))
                    .append(" |\n");
        }
    }

    private static String setupNote(MalformedResponseCase c) {
        MalformedResponseCase.Setup s = c.setup();
        StringBuilder sb = new StringBuilder();
        if (!s.method().equals("GET")) {
            sb.append(s.expectContinue() ? ", to a POST with Expect: 100-continue" : ", to a " + s.method());
        }
        if (s.serverCloses()) {
            sb.append(", then the server closes");
        }
        if (s.throttleBytes() > 0) {
            sb.append(", the bytes after the first ").append(s.throttleBytes()).append(" 50 ms later");
        }
        return sb.toString();
    }

    private static String outcome(Outcome outcome) {
        if (outcome instanceof HeadFails f) {
            return "**fails** in AWAIT_HEADERS: " + f.type().getSimpleName() + " " + code(f.message());
        }
        if (outcome instanceof BodyFails f) {
            return f.status() + ", then the **body fails** in READ_BODY: " + f.type().getSimpleName() + " "
                    + code(f.message());
        }
        Accepted a = (Accepted) outcome;
        StringBuilder sb = new StringBuilder("accepted: ").append(a.status()).append(", ")
                .append(a.body().isEmpty() ? "empty body" : "body " + code(escape(a.body())))
                .append("; ").append(a.fate().text);
        for (String check : a.checks()) {
            sb.append("; ").append(code(escape(check)));
        }
        return sb.toString();
    }

    /** Control characters as escapes, so that the bytes can be read and copied. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case 0 -> sb.append("\\0");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String code(String s) {
        return "`" + s.replace("|", "\\|") + "`";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }
}
