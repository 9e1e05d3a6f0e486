package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.courier.http.testing.CourierExtension;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request validation (DESIGN "API contract": invalid input fails fast with a message naming the bad part)
 * and the semantics of {@link Headers}.
 */
class RequestValidationTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static final URI OK_URI = URI.create("http://example.com/x");

    // ---- header names ----

    static Stream<Arguments> badHeaderNames() {
        return Stream.of(
                arguments("X Y", "\"X Y\" has an invalid character ' ' at index 1"),
                arguments("X:Y", "\"X:Y\" has an invalid character ':' at index 1"),
                arguments("Host:", "\"Host:\" has an invalid character ':' at index 4"),
                arguments("\u00C4pfel", "\"\u00C4pfel\" has an invalid character U+00C4 at index 0"),
                arguments("X-\u00DC", "\"X-\u00DC\" has an invalid character U+00DC at index 2"),
                arguments("X-\u2603", "\"X-\u2603\" has an invalid character U+2603 at index 2"),
                arguments("(comment)", "\"(comment)\" has an invalid character '(' at index 0"),
                arguments("X\"Q", "has an invalid character '\"' at index 1"));
    }

    @ParameterizedTest(name = "[{index}] name {0} rejected")
    @MethodSource("badHeaderNames")
    void headerNameMustBeAToken(String name, String expectedMessagePart) {
        assertThatThrownBy(() -> Request.newBuilder(OK_URI).header(name, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("header name ")
                .hasMessageContaining(expectedMessagePart);
    }

    @Test
    void emptyHeaderNameIsRejected() {
        assertThatThrownBy(() -> Request.newBuilder(OK_URI).header("", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header name is empty");
    }

    @ParameterizedTest(name = "[{index}] control character U+{0} in a name is rejected")
    @ValueSource(ints = {0x00, 0x09, 0x0a, 0x0d, 0x7f})
    void controlCharactersInHeaderNamesAreRejected(int c) {
        String name = "X" + (char) c + "Y";
        assertThatThrownBy(() -> Request.newBuilder(OK_URI).header(name, "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header name")
                .hasMessageContaining("at index 1");
    }

    /** RFC 9110 section 5.6.2: tchar is "!#$%&'*+-.^_`|~", DIGIT or ALPHA; every other US-ASCII character is refused. */
    @Test
    void everyAsciiCharacterOutsideTcharIsRefusedInANameAndEveryTcharAccepted() {
        String tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for (char c = 0; c < 0x80; c++) {
            String name = "X" + c;
            if (tchar.indexOf(c) >= 0) {
                assertThat(Headers.of(name, "v").first(name)).isEqualTo("v");
            } else {
                assertThatThrownBy(() -> Headers.of(name, "v")).as("U+%04X", (int) c)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(" at index 1");
            }
        }
    }

    @Test
    void setHeaderAndHeadersBuilderValidateNamesToo() {
        assertThatThrownBy(() -> Request.newBuilder(OK_URI).setHeader("Bad Name", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"Bad Name\"");
        assertThatThrownBy(() -> Headers.newBuilder().add("Bad:Name", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"Bad:Name\"");
        assertThatThrownBy(() -> Headers.of("Bad Name", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"Bad Name\"");
    }

    @ParameterizedTest(name = "[{index}] valid name \"{0}\" is accepted")
    @ValueSource(strings = {"X-Custom_1", "content-type", "!#$%&'*+-.^_`|~", "A1"})
    void tokenHeaderNamesAreAccepted(String name) {
        Request r = Request.newBuilder(OK_URI).header(name, "v").build();
        assertThat(r.headers().first(name)).isEqualTo("v");
    }

    // ---- header values ----

    static Stream<Arguments> badValueCharacters() {
        return Stream.of(
                arguments('\r', "CR (\\r)"),
                arguments('\n', "LF (\\n)"),
                arguments('\0', "NUL (\\0)"));
    }

    @ParameterizedTest(name = "[{index}] value with {1} is rejected")
    @MethodSource("badValueCharacters")
    void headerValueMustNotContainCrLfOrNul(char c, String described) {
        String value = "ok" + c + "Injected: yes";
        assertThatThrownBy(() -> Request.newBuilder(OK_URI).header("X-Trace", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of header \"X-Trace\" has an invalid character " + described + " at index 2");
    }

    /** Every control character but HTAB: 0x00-0x08, 0x0A-0x1F and DEL (Go's httpguts.ValidHeaderFieldValue). */
    static IntStream controlCharactersOtherThanTab() {
        return IntStream.concat(IntStream.rangeClosed(0x00, 0x1f).filter(c -> c != '\t'), IntStream.of(0x7f));
    }

    @ParameterizedTest(name = "[{index}] value with U+{0} is rejected")
    @MethodSource("controlCharactersOtherThanTab")
    void headerValueMustNotContainAnyControlCharacterButTab(int c) {
        String value = "ok" + (char) c + "more";
        String described = c == '\r' ? "CR (\\r)" : c == '\n' ? "LF (\\n)" : c == 0 ? "NUL (\\0)"
                : String.format("U+%04X", c);
        assertThatThrownBy(() -> Request.newBuilder(OK_URI).header("X-Trace", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of header \"X-Trace\" has an invalid character " + described + " at index 2");
        assertThatThrownBy(() -> Headers.newBuilder().set("X-Trace", value))
                .isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(" at index 2");
    }

    static Stream<Arguments> credentialsWithControlCharacters() {
        return Stream.of("Authorization", "Proxy-Authorization", "Cookie", "authorization", "COOKIE")
                .flatMap(name -> controlCharactersOtherThanTab().mapToObj(c -> arguments(name, c)));
    }

    /** The message names the header and the index, never the value, which may be a credential. */
    @ParameterizedTest(name = "[{index}] {0} with U+{1}")
    @MethodSource("credentialsWithControlCharacters")
    void anInvalidCredentialValueNeverAppearsInTheMessage(String name, int c) {
        String secret = "Bearer s3cr3t-token" + (char) c + "tail-s3cr3t";
        List<Runnable> ways = List.of(
                () -> Request.newBuilder(OK_URI).header(name, secret),
                () -> Request.newBuilder(OK_URI).setHeader(name, secret),
                () -> Headers.of(name, secret),
                () -> Headers.newBuilder().add(name, secret),
                () -> Headers.of("Accept", "*/*").toBuilder().set(name, secret));
        for (Runnable way : ways) {
            IllegalArgumentException e = catchThrowableOfType(way::run, IllegalArgumentException.class);
            assertThat(e).isNotNull();
            assertThat(e.getMessage())
                    .contains("\"" + name + "\"", "at index 19")
                    .doesNotContain("s3cr3t", "Bearer", "tail");
            assertThat(String.valueOf(e)).doesNotContain("s3cr3t");
        }
    }

    @Test
    void setHeaderValidatesValuesToo() {
        assertThatThrownBy(() -> Request.newBuilder(OK_URI).setHeader("X-A", "a\r\nb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"X-A\"")
                .hasMessageContaining("CR");
    }

    @ParameterizedTest(name = "[{index}] value \"{0}\" is accepted")
    @ValueSource(strings = {"", " padded ", "tab\tinside", "\ttab-led", "\u00FCn\u00EFc\u00F6d\u00E9", "a,b;c=\"d\"",
            "~!@#$%^&*()_+`{}|[]\\:;'<>?,./", "obs-text \u0080\u00A0\u00FF"})
    void otherValuesAreAccepted(String value) {
        Request r = Request.newBuilder(OK_URI).header("X-V", value).build();
        assertThat(r.headers().first("X-V")).isEqualTo(value);
    }

    // ---- method ----

    static Stream<Arguments> badMethods() {
        return Stream.of(
                arguments("GE T", "method \"GE T\" has an invalid character ' ' at index 2"),
                arguments("GET\r\n", "method \"GET\\r\\n\" has an invalid character CR (\\r) at index 3"),
                arguments("GET(", "method \"GET(\" has an invalid character '(' at index 3"),
                arguments("G\u00C9T", "method \"G\u00C9T\" has an invalid character U+00C9 at index 1"));
    }

    @ParameterizedTest(name = "[{index}] method {0} rejected")
    @MethodSource("badMethods")
    void methodMustBeAToken(String method, String expected) {
        Request.Builder b = Request.newBuilder(OK_URI).method(method);
        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
    }

    @Test
    void emptyMethodIsRejected() {
        assertThatThrownBy(() -> Request.newBuilder(OK_URI).method("").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("method is empty");
    }

    @ParameterizedTest(name = "[{index}] method \"{0}\" accepted as given")
    @ValueSource(strings = {"PROPFIND", "M-SEARCH", "get", "PATCH"})
    void extensionMethodsAreAcceptedAsGiven(String method) {
        assertThat(Request.newBuilder(OK_URI).method(method).build().method()).isEqualTo(method);
    }

    // ---- URI ----

    @ParameterizedTest(name = "[{index}] {0} rejected: {1}")
    @CsvSource(delimiter = '|', value = {
            "ftp://example.com/file       | URI \"ftp://example.com/file\" has unsupported scheme \"ftp\"; want http or https",
            "mailto:someone@example.com   | URI \"mailto:someone@example.com\" has unsupported scheme \"mailto\"; want http or https",
            "ws://example.com/socket      | URI \"ws://example.com/socket\" has unsupported scheme \"ws\"; want http or https",
            "/x                           | URI \"/x\" has no scheme; want http or https",
            "example.com/x                | URI \"example.com/x\" has no scheme; want http or https",
            "http:///x                    | URI \"http:///x\" has no host",
            "https:///x                   | URI \"https:///x\" has no host",
            "http://example.com:0/x       | URI \"http://example.com:0/x\" has invalid port 0",
            "http://example.com:70000/x   | URI \"http://example.com:70000/x\" has invalid port 70000",
    })
    void uriMustBeAbsoluteHttpWithAHost(String uri, String expected) {
        Request.Builder b = Request.newBuilder(URI.create(uri));
        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "ftp://user:s3cr3t-pw@example.com/file",
            "http://user:s3cr3t-pw@example.com:0/x",
            "http://user:s3cr3t-pw@/x",
            "http://user:s3cr3t-pw@bad_host.example/x",
    })
    void passwordNeverAppearsInValidationMessages(String uri) {
        Request.Builder b = Request.newBuilder(URI.create(uri));
        IllegalArgumentException e = catchThrowableOfType(b::build, IllegalArgumentException.class);
        assertThat(e).as("build() must reject %s", uri).isNotNull();
        assertThat(e.getMessage()).doesNotContain("s3cr3t-pw").contains("user:***@");
    }

    @Test
    void unparsableUriStringIsRejectedWithoutItsPassword() {
        assertThatThrownBy(() -> Request.newBuilder("http://user:s3cr3t-pw@exa mple.com/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid URI \"http://user:***@exa mple.com/x\"")
                .hasMessageNotContaining("s3cr3t-pw");
    }

    @Test
    void requestToStringAndRedactedUriHideThePassword() {
        Request r = Request.newBuilder(URI.create("https://user:s3cr3t-pw@example.com/p?q=1")).build();
        assertThat(r.redactedUri()).isEqualTo("https://user:***@example.com/p?q=1");
        assertThat(r.toString()).isEqualTo("GET https://user:***@example.com/p?q=1");
    }

    @ParameterizedTest(name = "[{index}] {0} accepted")
    @ValueSource(strings = {"http://example.com", "HTTPS://Example.COM:8443/a?b=c", "http://[::1]:8080/", "http://127.0.0.1/"})
    void httpAndHttpsUrisAreAccepted(String uri) {
        assertThat(Request.newBuilder(uri).build().uri()).isEqualTo(URI.create(uri));
    }

    // ---- Headers semantics ----

    @Test
    void headerLookupIgnoresCase() {
        Headers h = Headers.of("Content-Type", "text/plain", "X-Request-Id", "42");
        assertThat(h.first("content-type")).isEqualTo("text/plain");
        assertThat(h.first("CONTENT-TYPE")).isEqualTo("text/plain");
        assertThat(h.contains("x-request-id")).isTrue();
        assertThat(h.all("X-REQUEST-ID")).containsExactly("42");
        assertThat(h.first("Absent")).isNull();
        assertThat(h.all("Absent")).isEmpty();
        assertThat(h.name(0)).isEqualTo("Content-Type");
    }

    @Test
    void multipleValuesKeepTheirOrderAcrossSpellings() {
        Headers h = Headers.newBuilder()
                .add("Accept", "text/html")
                .add("X-Other", "1")
                .add("accept", "application/json")
                .add("ACCEPT", "*/*")
                .build();
        assertThat(h.all("Accept")).containsExactly("text/html", "application/json", "*/*");
        assertThat(h.first("accept")).isEqualTo("text/html");
        assertThat(h.size()).isEqualTo(4);
        assertThat(h.name(2)).isEqualTo("accept");
    }

    @Test
    void setReplacesEveryValueWhereTheNameFirstWas() {
        Headers h = Headers.newBuilder()
                .add("A", "1").add("B", "2").add("a", "3").add("C", "4")
                .set("A", "x")
                .build();
        assertThat(h.all("a")).containsExactly("x");
        assertThat(h.names()).containsExactly("A", "B", "C");
        assertThat(h.size()).isEqualTo(3);
    }

    @Test
    void setAddsWhenAbsent() {
        Headers h = Headers.newBuilder().add("A", "1").set("B", "2").build();
        assertThat(h.names()).containsExactly("A", "B");
        assertThat(h.first("b")).isEqualTo("2");
    }

    @Test
    void removeDropsEveryValueIgnoringCase() {
        Headers h = Headers.newBuilder().add("A", "1").add("B", "2").add("a", "3").remove("A").build();
        assertThat(h.contains("A")).isFalse();
        assertThat(h.names()).containsExactly("B");
        Request r = Request.newBuilder(OK_URI).header("X-A", "1").header("x-a", "2").removeHeader("X-A").build();
        assertThat(r.headers().isEmpty()).isTrue();
    }

    @Test
    void requestBuilderSetHeaderReplaces() {
        Request r = Request.newBuilder(OK_URI).header("X-A", "1").header("X-A", "2").setHeader("x-a", "3").build();
        assertThat(r.headers().all("X-A")).containsExactly("3");
    }

    @Test
    void mapGroupsValuesByFirstSpellingInFirstSeenOrder() {
        Headers h = Headers.newBuilder()
                .add("Set-Cookie", "a=1").add("Vary", "Accept").add("set-cookie", "b=2").build();
        Map<String, List<String>> m = h.map();
        assertThat(m.keySet()).containsExactly("Set-Cookie", "Vary");
        assertThat(m.get("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(m.get("Vary")).containsExactly("Accept");
        assertThatThrownBy(() -> m.put("X", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.get("Vary").add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest(name = "[{index}] {0} is masked")
    @ValueSource(strings = {"Authorization", "authorization", "Proxy-Authorization", "Cookie"})
    void toStringMasksCredentials(String name) {
        Headers h = Headers.of("Accept", "text/plain", name, "Bearer s3cr3t-token");
        String s = h.toString();
        assertThat(s).contains("Accept: text/plain").contains(name + ": ").doesNotContain("s3cr3t-token");
    }

    @Test
    void builtHeadersAreImmutableSnapshots() {
        Headers.Builder b = Headers.newBuilder().add("A", "1");
        Headers first = b.build();
        b.add("A", "2");
        assertThat(first.all("A")).containsExactly("1");
        Headers copy = first.toBuilder().add("B", "x").build();
        assertThat(first.contains("B")).isFalse();
        assertThat(copy.all("A")).containsExactly("1");
    }

    @Test
    void equalityIgnoresNameCaseButNotValues() {
        assertThat(Headers.of("Content-Type", "a")).isEqualTo(Headers.of("content-type", "a"))
                .hasSameHashCodeAs(Headers.of("CONTENT-TYPE", "a"));
        assertThat(Headers.of("Content-Type", "a")).isNotEqualTo(Headers.of("Content-Type", "A"));
    }

    @Test
    void headersOfNeedsPairs() {
        assertThatThrownBy(() -> Headers.of("A", "1", "B"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 strings");
    }
}
