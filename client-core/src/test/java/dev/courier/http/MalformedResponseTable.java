package dev.courier.http;

import static dev.courier.http.MalformedResponseCase.Fate.CLOSED;
import static dev.courier.http.MalformedResponseCase.Fate.REUSED;

import dev.courier.http.MalformedResponseCase.Accepted;
import dev.courier.http.MalformedResponseCase.BodyFails;
import dev.courier.http.MalformedResponseCase.Fate;
import dev.courier.http.MalformedResponseCase.HeadFails;
import dev.courier.http.MalformedResponseCase.Outcome;
import dev.courier.http.MalformedResponseCase.Setup;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP/1.1 rows of docs/MALFORMED-RESPONSES.md: every kind of malformed or unusual response the decoder
 * handles, with Courier's behaviour and the reason (the HTTP/2 rows are in {@link MalformedH2ResponseTable}).
 * Edit the rows here, then regenerate the document (see {@link MalformedResponseTest}).
 */
final class MalformedResponseTable {
    private static final String OK = "HTTP/1.1 200 OK\r\n";
    private static final String HEAD = "malformed response head: ";
    private static final String BODY = "malformed response body: ";
    private static final String CHUNKED = OK + "Transfer-Encoding: chunked\r\n\r\n";

    private MalformedResponseTable() {
    }

    static List<MalformedResponseCase> http1() {
        Rows r = new Rows();

        r.section("The status line");
        r.accepted("a well-formed response (for reference)", OK + "Content-Length: 5\r\n\r\nhello", 200, "hello", REUSED,
                "RFC 9112 sections 4 and 6.3");
        r.accepted("bare LF line endings, no reason phrase", "HTTP/1.1 299\nX-A: 1\nContent-Length: 2\n\nok", 299, "ok",
                REUSED, "RFC 9112 section 2.2 lets a recipient take a lone LF as a line end; the reason is optional "
                        + "(section 4); Go reads both", "reason \"\"", "header X-A: 1");
        r.accepted("empty lines before the status line", "\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200,
                "ok", REUSED, "RFC 9112 section 2.2 (robustness: ignore empty lines before a start line), as Netty's "
                        + "decoder did; Go fails (\"malformed HTTP response\")");
        r.headFails("an HTTP/0.9 reply (no status line)", "<html>hello</html>\r\n\r\n",
                HEAD + "malformed status line \"<html>hello</html>\"", "RFC 9112 section 2.3 (HTTP/0.9 is not supported); "
                        + "Go: \"malformed HTTP response\"");
        r.next(Setup.DEFAULT.closes());
        r.headFailsIo("an HTTP/0.9 reply without a blank line, then close", "<html>hello</html>",
                "connection closed by the server before a response", "nothing that ends a head came: the server closed");
        r.headFails("HTTP/2.0 in an HTTP/1.1 status line", "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "unsupported HTTP version in the status line \"HTTP/2.0 200 OK\"",
                "RFC 9113 section 3: HTTP/2 is never spoken in HTTP/1.1 syntax; Go accepts the version (Differences from Go)");
        r.accepted("HTTP/1.2 (a higher minor version)", "HTTP/1.2 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok",
                REUSED, "RFC 9110 section 2.5: process as the highest minor version known, 1.1; Go accepts it too",
                "protocol HTTP_1_1");
        r.headFails("a lower-case version", "http/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "malformed status line \"http/1.1 200 OK\"", "RFC 9112 section 2.3: HTTP-name is case-sensitive; Go fails too");
        r.headFails("\"HTTP/1.1\" with no status code", "HTTP/1.1\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "malformed status line \"HTTP/1.1\"", "RFC 9112 section 4; Go: \"malformed HTTP response\"");
        r.headFails("a two-digit status code", "HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "malformed HTTP status code in the status line \"HTTP/1.1 20 OK\"", "RFC 9112 section 4: three digits; Go fails too");
        r.headFails("a four-digit status code", "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "malformed HTTP status code in the status line \"HTTP/1.1 2000 OK\"", "RFC 9112 section 4; Go fails too");
        r.headFails("a status code that is not a number", "HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "malformed HTTP status code in the status line \"HTTP/1.1 2x0 OK\"", "RFC 9112 section 4; Go fails too");
        r.headFails("a status code below 100", "HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "malformed HTTP status code in the status line \"HTTP/1.1 099 Odd\"",
                "RFC 9110 section 15: codes are 100 to 599; Go accepts any three digits (Differences from Go)");
        r.accepted("a status code above 599", "HTTP/1.1 600 Custom\r\nContent-Length: 2\r\n\r\nok", 600, "ok", REUSED,
                "RFC 9110 section 15 asks a client to treat it as a 5xx; the code is passed on as sent, as Go does",
                "reason \"Custom\"");
        r.headFails("no space after the status code", "HTTP/1.1 200OK\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "malformed HTTP status code in the status line \"HTTP/1.1 200OK\"", "RFC 9112 section 4; Go fails too");
        r.headFails("a control character in the reason phrase", "HTTP/1.1 200 O\u0001K\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "a control character in the reason phrase of the status line \"HTTP/1.1 200 O\\x01K\"",
                "RFC 9112 section 4: reason-phrase is HTAB, SP, VCHAR and obs-text");
        r.headFails("a bare CR in the status line", "HTTP/1.1 200 OK\rX-Injected: 1\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "a control character in the reason phrase of the status line \"HTTP/1.1 200 OK\\x0dX-Injected: 1\"",
                "RFC 9112 section 2.2: a bare CR makes the element invalid (another parser may end the line there)");
        r.accepted("a tab in the reason phrase", "HTTP/1.1 200 All\tgood\r\nContent-Length: 2\r\n\r\nok", 200, "ok",
                REUSED, "RFC 9112 section 4 allows HTAB", "reason \"All\tgood\"");

        r.section("Field lines");
        r.accepted("a folded value (obs-fold)", OK + "X-Folded: first\r\n  second\r\n\tthird \r\nContent-Length: 2\r\n\r\nok",
                200, "ok", REUSED, "RFC 9112 section 5.2: a user agent replaces each obs-fold with SP; Go joins them too",
                "header X-Folded: first second third");
        r.headFails("whitespace before the first field line", OK + " X-A: 1\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "a header line starts with whitespace: \" X-A: 1\"",
                "RFC 9112 section 2.2: reject, or ignore the line; Go: \"malformed MIME header initial line\"");
        r.headFails("a line with no colon", OK + "No-Colon-Here\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "a header line has no colon: \"No-Colon-Here\"", "RFC 9112 section 5; Go: \"malformed MIME header line\"");
        r.headFails("an LF inside a value (the rest becomes a line with no colon)",
                OK + "X-A: one\ntwo\r\nContent-Length: 2\r\n\r\nok", HEAD + "a header line has no colon: \"two\"",
                "RFC 9110 section 5.5: LF in a value is invalid; on the wire it ends the line");
        r.headFails("an empty field name", OK + ": value\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "a header line has an empty field name", "RFC 9110 section 5.1: a name is a token (one or more "
                        + "characters); current Go fails (\"malformed MIME header line\")");
        r.headFails("whitespace between the name and the colon", OK + "Content-Length : 5\r\n\r\nhello",
                HEAD + "whitespace between the field name and the colon in the field \"Content-Length \"",
                "RFC 9112 section 5.1: a server must reject it, a proxy must strip it (parsers that disagree on it "
                        + "disagree on the framing); Go keeps it under the name with the space, not used for framing "
                        + "(Differences from Go)");
        r.headFails("a tab between the name and the colon", OK + "Transfer-Encoding\t: chunked\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "whitespace between the field name and the colon in the field \"Transfer-Encoding\\x09\"",
                "RFC 9112 section 5.1, as above");
        r.accepted("names that are not tokens", OK + "Bad Name: x\r\nX(Y): y\r\nX-Good: kept\r\nContent-Length: 2\r\n\r\nok",
                200, "ok", REUSED, "RFC 9110 section 5.1; such a field can never be a framing field, so it is left "
                        + "out of headers() (as nginx's ignore_invalid_headers); current Go fails unless the only bad "
                        + "characters are spaces (Differences from Go)", "header names X-Good, Content-Length");
        r.headFails("NUL in a value", OK + "X-Nul: a\0b\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "the value of the field \"X-Nul\" has a control character 0x00 at index 2 after the colon",
                "RFC 9110 section 5.5: reject, or replace with SP; Courier rejects, as Go (its HTTP/2 framer, current "
                        + "net/textproto); see FieldReader");
        r.headFails("a bare CR in a value", OK + "X-Cr: a\rContent-Length: 99\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "the value of the field \"X-Cr\" has a CR not followed by LF at index 2 after the colon",
                "RFC 9110 section 5.5 and RFC 9112 section 2.2: a parser that ends lines at a bare CR would see "
                        + "another Content-Length");
        r.headFails("another control character in a value", OK + "X-Ctl: a\u0001b\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "the value of the field \"X-Ctl\" has a control character 0x01 at index 2 after the colon",
                "RFC 9110 section 5.5: field-vchar, SP and HTAB only; Go's ValidHeaderFieldValue");
        r.headFails("DEL in a value", OK + "X-Del: a\u007fb\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "the value of the field \"X-Del\" has a control character 0x7f at index 2 after the colon",
                "RFC 9110 section 5.5, as above");
        r.headFails("a control character in a name", OK + "X\u0001Y: 1\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "a header line has a control character 0x01 in its name: \"X\\x01\"", "RFC 9110 section 5.1");
        r.headFails("a control character in a folded line", OK + "X-A: 1\r\n 2\u0000\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "a continuation line of the field \"X-A\" has a control character 0x00 at index 2",
                "RFC 9110 section 5.5, as above");
        r.accepted("a tab and obs-text in a value", OK + "X-A: a\tb \u00e9\r\nContent-Length: 2\r\n\r\nok", 200, "ok",
                REUSED, "RFC 9110 section 5.5: HTAB and obs-text (0x80-0xFF, read as ISO-8859-1) are allowed",
                "header X-A: a\tb \u00e9");

        r.section("Content-Length");
        r.accepted("the same value twice", OK + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 200, "hello",
                REUSED, "RFC 9110 section 8.6; Go's issue 16490: identical values count once", "header Content-Length: 5");
        r.headFails("two different values", OK + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                HEAD + "differing Content-Length values \"5\" and \"6\"",
                "RFC 9112 section 6.3 item 5: unrecoverable; Go fails too");
        r.accepted("a list of the same value", OK + "Content-Length: 5, 5\r\n\r\nhello", 200, "hello", REUSED,
                "RFC 9110 section 8.6 allows it; Go fails (\"bad Content-Length\") (Differences from Go)");
        r.headFails("a list of different values", OK + "Content-Length: 5, 6\r\n\r\nhello!",
                HEAD + "differing Content-Length values \"5\" and \"6\"", "RFC 9112 section 6.3 item 5");
        r.headFails("a plus sign", OK + "Content-Length: +5\r\n\r\nhello", HEAD + "invalid Content-Length \"+5\"",
                "RFC 9110 section 8.6: 1*DIGIT; Go fails too");
        r.headFails("a negative value", OK + "Content-Length: -1\r\n\r\nhello", HEAD + "invalid Content-Length \"-1\"",
                "RFC 9110 section 8.6; Go fails too");
        r.headFails("a hexadecimal value", OK + "Content-Length: 0x10\r\n\r\nhello", HEAD + "invalid Content-Length \"0x10\"",
                "RFC 9110 section 8.6; Go fails too");
        r.headFails("trailing garbage", OK + "Content-Length: 5x\r\n\r\nhello", HEAD + "invalid Content-Length \"5x\"",
                "RFC 9110 section 8.6; Go fails too");
        r.headFails("an empty value", OK + "Content-Length: \r\n\r\nhello", HEAD + "invalid Content-Length \"\"",
                "RFC 9110 section 8.6; Go since 1.22 fails too (golang/go#61679)");
        r.headFails("20 digits (overflow)", OK + "Content-Length: 99999999999999999999\r\n\r\nhello",
                HEAD + "invalid Content-Length \"99999999999999999999\"", "it does not fit in 63 bits; Go fails too");
        r.headFails("an invalid value on a 204", "HTTP/1.1 204 No Content\r\nContent-Length: abc\r\n\r\n",
                HEAD + "invalid Content-Length \"abc\"", "framing fields are checked on every response; Go ignores "
                        + "Content-Length where no body can follow");
        r.headFails("19 digits", OK + "Content-Length: 1000000000000000000\r\n\r\nhello",
                HEAD + "invalid Content-Length \"1000000000000000000\"",
                "more than 18 digits are refused (an exabyte); Go accepts up to 2^63-1");
        r.accepted("leading zeros", OK + "Content-Length: 005\r\n\r\nhello", 200, "hello", REUSED,
                "RFC 9110 section 8.6: 1*DIGIT; Go reads 005 as 5 too");
        r.next(Setup.DEFAULT.closes());
        r.bodyFailsIo("a body shorter than Content-Length, then close", OK + "Content-Length: 10\r\n\r\nhello", 200,
                "connection closed after 5 of 10 body bytes", "RFC 9112 section 8: an incomplete message; Go: "
                        + "unexpected EOF");
        r.accepted("a body longer than Content-Length", OK + "Content-Length: 2\r\n\r\nokEXTRA", 200, "ok", CLOSED,
                "RFC 9112 section 6.3 item 6: the body is 2 bytes; what follows is no response to anything, so the "
                        + "connection is closed (Go's \"Unsolicited response received on idle HTTP channel\")");

        r.section("Transfer-Encoding");
        r.accepted("chunked", CHUNKED + "5\r\nhello\r\n0\r\n\r\n", 200, "hello", REUSED, "RFC 9112 section 7.1");
        r.accepted("Chunked in another case", OK + "Transfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 200, "ok",
                REUSED, "RFC 9112 section 7: coding names are case-insensitive; Go too");
        r.accepted("chunked and Content-Length", OK + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n", 200, "hello", CLOSED,
                "RFC 9112 section 6.3 item 3: chunked wins, and the connection must not be reused (possible "
                        + "smuggling); Content-Length is left out of headers(), as Go does", "no header Content-Length");
        r.headFails("gzip, chunked", OK + "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                HEAD + "unsupported Transfer-Encoding \"gzip, chunked\"; only chunked is supported",
                "RFC 9112 section 6.1 allows stacked codings, but a client that does not decode one must not pass "
                        + "the bytes off as content; Go's parseTransferEncoding: \"unsupported transfer encoding\"");
        r.headFails("chunked twice", OK + "Transfer-Encoding: chunked, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                HEAD + "unsupported Transfer-Encoding \"chunked, chunked\"; only chunked is supported",
                "RFC 9112 section 6.1: chunked at most once; Go fails too");
        r.headFails("chunked not last", OK + "Transfer-Encoding: chunked, gzip\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                HEAD + "unsupported Transfer-Encoding \"chunked, gzip\"; only chunked is supported",
                "RFC 9112 section 6.3 item 4 would read to the close; Go fails, and so does Courier");
        r.headFails("an unknown coding", OK + "Transfer-Encoding: x-custom\r\n\r\nok",
                HEAD + "unsupported Transfer-Encoding \"x-custom\"; only chunked is supported",
                "RFC 9112 section 6.1; Go fails too");
        r.headFails("identity", OK + "Transfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nok",
                HEAD + "unsupported Transfer-Encoding \"identity\"; only chunked is supported",
                "RFC 9112 removed identity; Go fails too");
        r.headFails("an empty Transfer-Encoding", OK + "Transfer-Encoding: \r\nContent-Length: 2\r\n\r\nok",
                HEAD + "unsupported Transfer-Encoding \"\"; only chunked is supported", "RFC 9112 section 6.1; Go fails too");
        r.headFails("two Transfer-Encoding fields", OK + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\nok\r\n0\r\n\r\n",
                HEAD + "unsupported Transfer-Encoding: more than one field (\"chunked\" and \"chunked\"); only chunked is supported",
                "Go: \"too many transfer encodings\" (like nginx, one field only)");
        r.accepted("Transfer-Encoding on an HTTP/1.0 response", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n"
                        + "Content-Length: 2\r\nConnection: keep-alive\r\n\r\nok", 200, "ok", CLOSED,
                "HTTP/1.0 has no transfer codings: ignored, as Go does (its issue 12785), and the connection not "
                        + "reused", "protocol HTTP_1_0");

        r.section("Chunked bodies");
        r.accepted("chunk extensions", CHUNKED + "5;name=value\r\nhello\r\n1 ; a=\"q;uoted\" ; b\r\n!\r\n0;last\r\n\r\n",
                200, "hello!", REUSED, "RFC 9112 section 7.1.1: a recipient ignores extensions it does not understand");
        r.accepted("bare LF after chunk sizes and trailers", OK + "Transfer-Encoding: chunked\r\n\r\n2\nok\r\n0\n\n",
                200, "ok", REUSED, "RFC 9112 section 2.2 (a lone LF as line end); Go too");
        r.accepted("uppercase hex and whitespace before the line end", CHUNKED + "A \r\n0123456789\r\n0\r\n\r\n", 200,
                "0123456789", REUSED, "RFC 9112 section 7.1 (BWS before an extension); Go trims it too");
        r.bodyFails("a chunk size line over 4096 bytes", CHUNKED + "5;" + "x".repeat(5000) + "\r\nhello\r\n0\r\n\r\n",
                "5;xxxx... (5000 x)\\r\\nhello\\r\\n0\\r\\n\\r\\n", 200, BODY + "chunk size line longer than 4096 bytes",
                "bounded, as Go's chunked reader (4096 bytes)");
        r.bodyFails("a control character in an extension", CHUNKED + "5;a\u0001b\r\nhello\r\n0\r\n\r\n", 200,
                BODY + "invalid chunk size line \"5;a\\x01b\"", "RFC 9112 section 7.1.1: extensions are tokens and "
                        + "quoted strings");
        r.bodyFails("a chunk size over 64 bits", CHUNKED + "10000000000000000\r\nhello\r\n0\r\n\r\n", 200,
                BODY + "chunk size too large", "Go: \"http chunk length too large\"");
        r.bodyFails("a chunk size that is not hexadecimal", CHUNKED + "zz\r\nhello\r\n0\r\n\r\n", 200,
                BODY + "invalid chunk size line \"zz\"", "RFC 9112 section 7.1; Go fails too");
        r.bodyFails("a negative chunk size", CHUNKED + "-5\r\nhello\r\n0\r\n\r\n", 200,
                BODY + "invalid chunk size line \"-5\"", "RFC 9112 section 7.1; Go fails too");
        r.bodyFails("an empty chunk size line", CHUNKED + "\r\nhello\r\n0\r\n\r\n", 200,
                BODY + "invalid chunk size line \"\"", "RFC 9112 section 7.1; Go fails too");
        r.bodyFails("chunk data not followed by CRLF", CHUNKED + "5\r\nhelloXX0\r\n\r\n", 200,
                BODY + "chunk data not followed by CRLF", "RFC 9112 section 7.1; Go: \"malformed chunked encoding\"");
        r.bodyFails("chunk data followed by a bare LF", CHUNKED + "5\r\nhello\n0\r\n\r\n", 200,
                BODY + "chunk data not followed by CRLF", "RFC 9112 section 7.1 has CRLF; Go fails too");
        r.accepted("trailers", CHUNKED + "2\r\nok\r\n0\r\nX-Sum: 7\r\nContent-Length: 99\r\nTrailer: X\r\n\r\n", 200,
                "ok", REUSED, "RFC 9110 section 6.5.1: framing fields are not allowed in trailers and are left out",
                "trailer names X-Sum");
        r.bodyFails("a malformed trailer", CHUNKED + "2\r\nok\r\n0\r\nX-Nul: a\0b\r\n\r\n", 200,
                BODY + "malformed trailers: the value of the field \"X-Nul\" has a control character 0x00 at index 2 "
                        + "after the colon", "RFC 9110 section 5.5, as for the head");
        r.next(Setup.DEFAULT.closes());
        r.bodyFailsIo("no last chunk, then close", CHUNKED + "5\r\nhello\r\n", 200,
                "connection closed in the middle of the response body after 5 bytes",
                "RFC 9112 section 8: incomplete; Go: unexpected EOF");

        r.section("Bodies and the connection");
        r.next(Setup.DEFAULT.closes());
        r.accepted("no length, the server closes", OK + "Content-Type: text/plain\r\n\r\nuntil the close", 200,
                "until the close", CLOSED, "RFC 9112 section 6.3 item 8: the body ends when the connection does");
        r.next(Setup.DEFAULT.closes());
        r.accepted("HTTP/1.0 without a length", "HTTP/1.0 200 OK\r\n\r\nold", 200, "old", CLOSED,
                "RFC 9112 section 6.3 item 8 and 9.3 (HTTP/1.0 closes by default)", "protocol HTTP_1_0");
        r.accepted("HTTP/1.0 with keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
                200, "ok", REUSED, "RFC 9112 appendix C.2.2 (keep-alive for HTTP/1.0); Go reuses it too", "protocol HTTP_1_0");
        r.accepted("Connection: close", OK + "Connection: close\r\nContent-Length: 2\r\n\r\nok", 200, "ok", CLOSED,
                "RFC 9112 section 9.6");
        r.accepted("204 with Content-Length and no body", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 204, "",
                REUSED, "RFC 9110 section 15.3.5: a 204 has no content whatever its fields say; Go too");
        r.accepted("204 with a body", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello", 204, "", CLOSED,
                "the body is no response to anything: the connection is closed rather than read it as the next "
                        + "response (Go closes on an unsolicited response)");
        r.accepted("304 with a body", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello", 304, "", CLOSED,
                "RFC 9110 section 15.4.5; as for 204");
        r.next(Setup.DEFAULT.head());
        r.accepted("a HEAD response with Content-Length", OK + "Content-Length: 5\r\n\r\n", 200, "", REUSED,
                "RFC 9110 section 9.3.2: no content, the length is the GET's", "header Content-Length: 5");
        r.next(Setup.DEFAULT.head());
        r.accepted("a HEAD response with a body anyway", OK + "Content-Length: 5\r\n\r\nhello", 200, "", CLOSED,
                "as for 204 with a body");
        r.next(Setup.DEFAULT.throttled(40));
        r.accepted("bytes after the response, in a later packet", OK + "Content-Length: 2\r\n\r\nok"
                        + "HTTP/1.1 200 OK\r\n", 200, "ok", CLOSED,
                "bytes on an idle connection answer nothing, even before they make a head: it is closed before "
                        + "reuse (Go's readLoop)");
        r.next(Setup.DEFAULT.answeredBeforeTheBody());
        r.accepted("a final response before the request body is sent", "HTTP/1.1 413 Content Too Large\r\n"
                        + "Content-Length: 2\r\n\r\nno", 413, "no", CLOSED,
                "RFC 9110 section 10.1.1 (Expect: 100-continue): the response stands; the body is never sent and "
                        + "the connection not reused; Go too");

        r.section("Interim responses and limits");
        r.accepted("100 Continue, then the response", "HTTP/1.1 100 Continue\r\n\r\n" + OK + "Content-Length: 2\r\n\r\nok",
                200, "ok", REUSED, "RFC 9110 section 15.2: interim responses are skipped (and traced)");
        r.accepted("103 Early Hints with fields", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" + OK
                        + "Content-Length: 2\r\n\r\nok", 200, "ok", REUSED, "RFC 8297; the hints go to ClientTrace", "no header Link");
        r.headFailsIo("more than 5 interim responses", "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(6) + OK
                        + "Content-Length: 2\r\n\r\nok", "(HTTP/1.1 103 Early Hints\\r\\n\\r\\n) six times, then a 200",
                "too many 1xx informational responses (more than 5)", "bounded, as Go (max1xxResponses = 5)");
        r.next(Setup.DEFAULT.maxHeaderBytes(1024));
        r.headFailsIo("a head over maxResponseHeaderBytes", OK + "X-Big: " + "b".repeat(2000) + "\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\\r\\nX-Big: bbbb... (2000 b)\\r\\n... with maxResponseHeaderBytes(1024)",
                "the response head exceeds maxResponseHeaderBytes (1024 bytes)",
                "Transport.maxResponseHeaderBytes, Go's MaxResponseHeaderBytes");
        r.next(Setup.DEFAULT.closes());
        r.headFailsIo("the connection closes inside the head", OK + "Content-Len", "connection closed while reading the "
                + "response head", "RFC 9112 section 8; the request is not retried: the server answered");
        return r.rows;
    }

    /** Collects the rows, one section at a time. */
    static final class Rows {
        final List<MalformedResponseCase> rows = new ArrayList<>();
        private String section;
        private Setup next = Setup.DEFAULT;

        void section(String name) {
            section = name;
        }

        /** The setup of the next row only. */
        void next(Setup setup) {
            next = setup;
        }

        void accepted(String name, String bytes, int status, String body, Fate fate, String why, String... checks) {
            add(name, bytes, null, new Accepted(status, body, fate, List.of(checks)), why);
        }

        void headFails(String name, String bytes, String message, String why) {
            add(name, bytes, null, new HeadFails(ProtocolException.class, message), why);
        }

        void headFailsIo(String name, String bytes, String message, String why) {
            add(name, bytes, null, new HeadFails(IOException.class, message), why);
        }

        void headFailsIo(String name, String bytes, String shown, String message, String why) {
            add(name, bytes, shown, new HeadFails(IOException.class, message), why);
        }

        void bodyFails(String name, String bytes, int status, String message, String why) {
            add(name, bytes, null, new BodyFails(status, ProtocolException.class, message), why);
        }

        void bodyFails(String name, String bytes, String shown, int status, String message, String why) {
            add(name, bytes, shown, new BodyFails(status, ProtocolException.class, message), why);
        }

        void bodyFailsIo(String name, String bytes, int status, String message, String why) {
            add(name, bytes, null, new BodyFails(status, IOException.class, message), why);
        }

        void add(String name, String wire, String shown, Outcome outcome, String why) {
            rows.add(new MalformedResponseCase(section, name, wire, shown, next, outcome, why));
            next = Setup.DEFAULT;
        }
    }
}
