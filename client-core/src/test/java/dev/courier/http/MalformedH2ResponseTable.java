package dev.courier.http;

import static dev.courier.http.MalformedResponseCase.Fate.REUSED;

import dev.courier.http.MalformedResponseCase.Setup;
import dev.courier.http.testing.H2Response;
import java.util.List;

/**
 * The HTTP/2 rows of docs/MALFORMED-RESPONSES.md: the cases of {@link MalformedResponseTable} that exist in
 * HTTP/2 (RFC 9113 section 8), played over h2c with prior knowledge. A malformed response resets its stream
 * only; every row checks that the connection then carries the next request.
 */
final class MalformedH2ResponseTable {
    private static final String STREAM = "HTTP/2 stream error: ";
    private static final String PROTOCOL = "HTTP/2 protocol error from the server: ";
    private static final String VALUE = STREAM + "Validation failed for header ";

    private MalformedH2ResponseTable() {
    }

    static List<MalformedResponseCase> http2() {
        MalformedResponseTable.Rows r = new MalformedResponseTable.Rows();

        r.section("Status");
        h2(r, H2Response.ok("hello"));
        r.accepted("a well-formed response (for reference)", ":status 200, content-length 5, DATA hello", 200, "hello",
                REUSED, "RFC 9113 section 8.3.2");
        h2(r, H2Response.ok("x").rawStatus("abc"));
        r.headFails("a status that is not a number", ":status abc",
                PROTOCOL + "the response has no valid :status (abc)", "RFC 9113 section 8.3.2: three digits; Go fails too");
        h2(r, H2Response.ok("x").rawStatus("20"));
        r.headFails("a two-digit status", ":status 20", PROTOCOL + "the response has an invalid :status 20",
                "RFC 9110 section 15");
        h2(r, H2Response.ok("x").rawStatus("099"));
        r.headFails("a status below 100", ":status 099", PROTOCOL + "the response has an invalid :status 99",
                "RFC 9110 section 15, as for HTTP/1.1");
        h2(r, H2Response.ok("x").rawStatus("2000"));
        r.headFails("a four-digit status", ":status 2000", PROTOCOL + "the response has an invalid :status 2000",
                "RFC 9110 section 15");
        h2(r, H2Response.ok("ok").rawStatus("600"));
        r.accepted("a status above 599", ":status 600", 600, "ok", REUSED, "RFC 9110 section 15, as for HTTP/1.1");
        h2(r, H2Response.ok("x").rawStatus(null));
        r.headFails("no :status", "HEADERS without :status", PROTOCOL + "the response has no valid :status (null)",
                "RFC 9113 section 8.3.2");
        h2(r, H2Response.ok("x").rawHeader(":path", "/"));
        r.headFails("a request pseudo-header in a response", ":status 200, :path /",
                STREAM + "Mix of request and response pseudo-headers.", "RFC 9113 section 8.3 (Netty's codec)");
        h2(r, H2Response.ok("x").rawHeader(":foo", "bar"));
        r.headFails("an unknown pseudo-header", ":status 200, :foo bar",
                STREAM + "Invalid HTTP/2 pseudo-header ':foo' encountered.", "RFC 9113 section 8.3 (Netty's codec)");
        h2(r, H2Response.ok("ok").trailer(":status", "200"));
        r.bodyFails("a pseudo-header in the trailers", "trailers :status 200", 200,
                STREAM + "Found invalid Pseudo-Header in trailers: :status",
                "RFC 9113 section 8.1 (Netty's codec)");

        r.section("Fields");
        h2(r, H2Response.ok("x").rawHeader("X-Upper", "1"));
        r.headFails("an upper-case name", "x-upper written X-Upper", STREAM + "invalid header name [X-Upper]",
                "RFC 9113 section 8.2.1 (Netty's codec); Go fails too");
        h2(r, H2Response.ok("x").rawHeader("bad name", "1"));
        r.headFails("a name with a space", "bad name: 1", STREAM + "invalid header name [bad name]",
                "RFC 9113 section 8.2.1 (Netty's codec)");
        connectionSpecific(r, "connection", "close");
        connectionSpecific(r, "transfer-encoding", "chunked");
        connectionSpecific(r, "keep-alive", "timeout=5");
        connectionSpecific(r, "proxy-connection", "keep-alive");
        connectionSpecific(r, "upgrade", "h2c");
        h2(r, H2Response.ok("x").rawHeader("te", "gzip"));
        r.headFails("te other than trailers", "te: gzip",
                STREAM + "Illegal value specified for the 'TE' header (only 'trailers' is allowed).",
                "RFC 9113 section 8.2.2 (Netty's codec)");
        invalidValue(r, "NUL in a value", "x-nul", "a\0b", "RFC 9113 section 8.2.1: malformed; Go's framer too");
        invalidValue(r, "CR in a value", "x-cr", "a\rb", "RFC 9113 section 8.2.1");
        invalidValue(r, "LF in a value", "x-lf", "a\nb", "RFC 9113 section 8.2.1");
        invalidValue(r, "another control character in a value", "x-ctl", "a\u0001b",
                "Go's framer (httpguts.ValidHeaderFieldValue), as for HTTP/1.1");
        invalidValue(r, "whitespace at the start of a value", "x-sp", " padded",
                "RFC 9113 section 8.2.1: malformed (Netty's codec); Go accepts it (Differences from Go)");

        r.section("content-length");
        h2(r, H2Response.ok("hello").header("content-length", "5").header("content-length", "5"));
        r.accepted("the same value twice", "content-length 5 twice, DATA hello", 200, "hello", REUSED,
                "RFC 9110 section 8.6 (Netty's codec)");
        h2(r, H2Response.ok("hello").header("content-length", "5").header("content-length", "6"));
        r.headFails("two different values", "content-length 5 and 6", STREAM + "Multiple content-length headers received",
                "RFC 9110 section 8.6 (Netty's codec)");
        h2(r, H2Response.ok("hello").header("content-length", "abc"));
        r.headFails("not a number", "content-length abc", STREAM + "Multiple content-length headers received",
                "RFC 9110 section 8.6 (Netty's codec, and its message)");
        h2(r, H2Response.ok("hello").header("content-length", "10"));
        r.bodyFails("more declared than sent", "content-length 10, DATA hello", 200,
                STREAM + "Received amount of data 5 does not match content-length header 10",
                "RFC 9113 section 8.1.1: malformed");
        h2(r, H2Response.ok("hello").header("content-length", "2"));
        r.bodyFails("less declared than sent", "content-length 2, DATA hello", 200,
                STREAM + "Received amount of data 5 does not match content-length header 2",
                "RFC 9113 section 8.1.1 (Netty's codec)");
        h2(r, H2Response.status(204).header("content-length", "5"));
        r.accepted("204 with content-length and no DATA", ":status 204, content-length 5", 204, "", REUSED,
                "RFC 9110 section 15.3.5");
        h2(r, H2Response.status(204).body("hello"));
        r.bodyFails("204 with DATA", ":status 204, DATA hello", 204,
                PROTOCOL + "DATA in a 204 response, which has no content",
                "RFC 9110 section 15.3.5: a 204 has no content");
        h2(r, H2Response.status(304).body("hello"));
        r.bodyFails("304 with DATA", ":status 304, DATA hello", 304,
                PROTOCOL + "DATA in a 304 response, which has no content",
                "RFC 9110 section 15.4.5");
        r.next(Setup.DEFAULT.head().h2(() -> H2Response.ok("hello")));
        r.accepted("a HEAD response with content-length", ":status 200, content-length 5", 200, "", REUSED,
                "RFC 9110 section 9.3.2", "header content-length: 5");
        h2(r, H2Response.ok("x").informational(103).informational(103).informational(103).informational(103)
                .informational(103).informational(103));
        r.headFailsIo("more than 5 interim responses", "six 103 HEADERS, then the response",
                "too many 1xx informational responses (more than 5)", "bounded, as for HTTP/1.1");
        return r.rows;
    }

    private static void connectionSpecific(MalformedResponseTable.Rows r, String name, String value) {
        h2(r, H2Response.ok("x").rawHeader(name, value));
        r.headFails(name, name + ": " + value, STREAM + "Illegal connection-specific header '" + name + "' encountered.",
                "RFC 9113 section 8.2.2: connection-specific fields are malformed (Netty's codec)");
    }

    private static void invalidValue(MalformedResponseTable.Rows r, String what, String name, String value, String why) {
        h2(r, H2Response.ok("x").rawHeader(name, value));
        r.headFails(what, name + ": \"" + MalformedResponseDoc.escape(value) + "\"",
                VALUE + "'" + name + "': Validation failed for header '" + name + "'", why);
    }

    private static void h2(MalformedResponseTable.Rows r, H2Response response) {
        r.next(Setup.DEFAULT.h2(() -> response));
    }
}
