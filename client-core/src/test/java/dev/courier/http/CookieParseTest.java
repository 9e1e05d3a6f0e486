package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Cookie#parse} (RFC 6265 section 5.2, with RFC 6265bis's rejections) and the builder's checks.
 * Expected cookies are written in {@link Cookie#toString()}'s Set-Cookie form, which shows every
 * attribute.
 */
class CookieParseTest {

    static Stream<Arguments> validLines() {
        return Stream.of(
                // RFC 6265 section 3.1 examples.
                arguments("SID=31d4d96e407aad42", "SID=31d4d96e407aad42"),
                arguments("SID=31d4d96e407aad42; Path=/; Domain=example.com",
                        "SID=31d4d96e407aad42; Domain=example.com; Path=/"),
                arguments("SID=31d4d96e407aad42; Path=/; Secure; HttpOnly",
                        "SID=31d4d96e407aad42; Path=/; Secure; HttpOnly"),
                arguments("lang=en-US; Path=/; Domain=example.com", "lang=en-US; Domain=example.com; Path=/"),
                arguments("lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT",
                        "lang=; Expires=Sun, 6 Nov 1994 08:49:37 GMT"),
                arguments("lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT",
                        "lang=en-US; Expires=Wed, 9 Jun 2021 10:18:14 GMT"),
                // Go's readSetCookies cases (net/http/cookie_test.go).
                arguments("Cookie-1=v$1", "Cookie-1=v$1"),
                arguments("NID=99=YsDT5i3E-CXax-; expires=Wed, 23-Nov-2011 01:05:03 GMT; path=/; domain=.google.ch; "
                        + "HttpOnly",
                        "NID=99=YsDT5i3E-CXax-; Domain=.google.ch; Path=/; Expires=Wed, 23 Nov 2011 01:05:03 GMT; "
                        + "HttpOnly"),
                arguments(".ASPXAUTH=7E3AA; expires=Wed, 07-Mar-2012 14:25:06 GMT; path=/; HttpOnly",
                        ".ASPXAUTH=7E3AA; Path=/; Expires=Wed, 7 Mar 2012 14:25:06 GMT; HttpOnly"),
                arguments("ASP.NET_SessionId=foo; path=/; HttpOnly", "ASP.NET_SessionId=foo; Path=/; HttpOnly"),
                arguments("samesitedefault=foo; SameSite", "samesitedefault=foo"),
                arguments("samesiteinvalidisdefault=foo; SameSite=invalid", "samesiteinvalidisdefault=foo"),
                arguments("samesitelax=foo; SameSite=Lax", "samesitelax=foo; SameSite=Lax"),
                arguments("samesitestrict=foo; SameSite=Strict", "samesitestrict=foo; SameSite=Strict"),
                arguments("samesitenone=foo; SameSite=None", "samesitenone=foo; SameSite=None"),
                arguments("special-1=a z", "special-1=a z"),
                arguments("special-5=a,z", "special-5=a,z"),
                arguments("special-7=a,", "special-7=a,"),
                // Quotes are part of the value (RFC 6265 5.2; browsers): the server gets back what it
                // set. Go 1.19 strips them, then adds them back when sending.
                arguments("special-2=\" z\"", "special-2=\" z\""),
                arguments("special-8=\",\"", "special-8=\",\""),
                // Whitespace around names, values and attributes is trimmed; names are case-insensitive.
                arguments("  a = b  ;  path = /x  ", "a=b; Path=/x"),
                arguments("a=b;\tSecure\t;HttpOnly", "a=b; Secure; HttpOnly"),
                arguments("a=b; PATH=/x; DOMAIN=.Example.COM; SECURE; HTTPONLY; MAX-AGE=60; SAMESITE=STRICT",
                        "a=b; Domain=.Example.COM; Path=/x; Max-Age=60; Secure; HttpOnly; SameSite=Strict"),
                arguments("a=b; samesite=lax", "a=b; SameSite=Lax"),
                // The value runs to the first ';', '=' included; it may be empty.
                arguments("a=b=c", "a=b=c"),
                arguments("a=", "a="),
                arguments("a=b;", "a=b"),
                arguments("a=b;;; ;", "a=b"),
                arguments("a=\u00fcber", "a=\u00fcber"),
                // The last occurrence of an attribute wins (5.3 steps 3, 4, 7).
                arguments("a=b; Path=/one; Path=/two; Max-Age=1; Max-Age=2", "a=b; Path=/two; Max-Age=2"),
                arguments("a=b; Domain=one.test; Domain=two.test", "a=b; Domain=two.test"),
                arguments("a=b; SameSite=Lax; SameSite=bogus", "a=b"),
                // 5.2.4: a Path not starting with '/' means the default path, also over an earlier one.
                arguments("a=b; Path=/one; Path=two", "a=b"),
                arguments("a=b; Path=", "a=b"),
                // 5.2.3: an empty Domain is ignored.
                arguments("a=b; Domain=", "a=b"),
                arguments("a=b; Domain=example.com; Domain=", "a=b; Domain=example.com"),
                // 5.2.2: Max-Age must be digits with an optional leading '-'; else it is ignored.
                arguments("a=b; Max-Age=-1", "a=b; Max-Age=-1"),
                arguments("a=b; Max-Age=0", "a=b; Max-Age=0"),
                arguments("a=b; Max-Age=99999999999999999999999", "a=b; Max-Age=9223372036854775807"),
                arguments("a=b; Max-Age=abc", "a=b"),
                arguments("a=b; Max-Age=+5", "a=b"),
                arguments("a=b; Max-Age=5s", "a=b"),
                arguments("a=b; Max-Age=", "a=b"),
                arguments("a=b; Max-Age=-", "a=b"),
                arguments("a=b; Max-Age=1 0", "a=b"),
                // 5.2.1: an Expires that is not a cookie-date is ignored; Max-Age and Expires coexist.
                arguments("a=b; Expires=tomorrow", "a=b"),
                arguments("a=b; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Max-Age=5",
                        "a=b; Expires=Wed, 9 Jun 2021 10:18:14 GMT; Max-Age=5"),
                // Unknown attributes are ignored.
                arguments("a=b; Priority=High; Partitioned; Comment=x", "a=b"),
                // RFC 6265bis 5.6: an attribute value over 1024 characters is ignored.
                arguments("a=b; Path=/" + "x".repeat(1024), "a=b"),
                arguments("a=b; Path=/" + "x".repeat(1023), "a=b; Path=/" + "x".repeat(1023)),
                // Every tchar may appear in a name.
                arguments("__Host-x!#$%&'*+-.^_`|~=1", "__Host-x!#$%&'*+-.^_`|~=1"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("validLines")
    void parsesValidLines(String header, String expected) {
        assertThat(Cookie.parse(header)).hasValueSatisfying(c -> assertThat(c).hasToString(expected));
    }

    static Stream<Arguments> malformedLines() {
        return Stream.of(
                arguments("empty line", ""),
                arguments("no '=' (RFC 6265 5.2 step 2)", "abc"),
                arguments("no '=' before the first ';'", "abc; a=b"),
                arguments("empty name (5.2 step 5)", "=abc"),
                arguments("blank name", "  =abc"),
                arguments("only attributes", "; Path=/"),
                arguments("space inside the name", "a b=c"),
                arguments("tab inside the name", "a\tb=c"),
                arguments("comma in the name", "a,b=c"),
                arguments("quote in the name", "a\"b=c"),
                arguments("parenthesis in the name", "(a)=b"),
                arguments("slash in the name", "a/b=c"),
                arguments("non-ASCII name", "\u00fc=1"),
                arguments("NUL in the value (RFC 6265bis 5.6)", "a=b\u0000c"),
                arguments("CR LF in the value", "a=b\r\nSet-Cookie: x=y"),
                arguments("LF in the value", "a=b\nc"),
                arguments("DEL in the value", "a=\u007f"),
                arguments("control character in an attribute", "a=b; Path=/\u0001"),
                arguments("control character in the name", "a\u0007=b"),
                arguments("name and value over 4096 characters (RFC 6265bis 5.6)", "a=" + "v".repeat(4096)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformedLines")
    void rejectsMalformedLinesWithoutThrowing(String why, String header) {
        assertThat(Cookie.parse(header)).as(why).isEmpty();
    }

    @Test
    void nameAndValueOfExactly4096CharactersAreKept() {
        String header = "a=" + "v".repeat(4095);
        assertThat(Cookie.parse(header)).hasValueSatisfying(c -> assertThat(c.value()).hasSize(4095));
    }

    @Test
    void parsedCookieCarriesItsAttributesAsSent() {
        Cookie c = Cookie.parse("id=a3fWa; Expires=Thu, 21 Oct 2021 07:28:00 GMT; Max-Age=2592000; "
                + "Domain=.Example.com; Path=/docs; Secure; HttpOnly; SameSite=Lax").orElseThrow();
        assertThat(c.name()).isEqualTo("id");
        assertThat(c.value()).isEqualTo("a3fWa");
        assertThat(c.domain()).contains(".Example.com");
        assertThat(c.path()).contains("/docs");
        assertThat(c.expires()).contains(Instant.parse("2021-10-21T07:28:00Z"));
        assertThat(c.maxAge()).contains(Duration.ofDays(30));
        assertThat(c.persistent()).isTrue();
        assertThat(c.secure()).isTrue();
        assertThat(c.httpOnly()).isTrue();
        assertThat(c.sameSite()).contains(Cookie.SameSite.LAX);
        assertThat(c.hostOnly()).isFalse();
        assertThat(c.creationTime()).isEmpty();
        assertThat(c.lastAccessTime()).isEmpty();
    }

    @Test
    void cookieWithoutExpiryIsASessionCookie() {
        Cookie c = Cookie.parse("a=b; Path=/").orElseThrow();
        assertThat(c.persistent()).isFalse();
        assertThat(c.expires()).isEmpty();
        assertThat(c.maxAge()).isEmpty();
        assertThat(c.sameSite()).isEmpty();
    }

    @Test
    void builderRejectsNamesThatAreNotTokens() {
        assertThatThrownBy(() -> Cookie.newBuilder("a b", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cookie name \"a b\" has an invalid character ' ' at index 1");
        assertThatThrownBy(() -> Cookie.newBuilder("", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cookie name is empty");
        assertThatThrownBy(() -> Cookie.newBuilder("a=", "v"))
                .hasMessage("cookie name \"a=\" has an invalid character '=' at index 1");
    }

    @Test
    void builderRejectsValuesThatWouldBreakTheCookieHeader() {
        assertThatThrownBy(() -> Cookie.newBuilder("a", "x;y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value of cookie \"a\" has an invalid character ';' at index 1");
        assertThatThrownBy(() -> Cookie.newBuilder("a", "x\r\nEvil: 1"))
                .hasMessage("value of cookie \"a\" has an invalid character CR (\\r) at index 1");
        assertThatThrownBy(() -> Cookie.newBuilder("a", "v").path("/x\n"))
                .hasMessage("path of cookie \"a\" has an invalid character LF (\\n) at index 2");
        assertThatThrownBy(() -> Cookie.newBuilder("a", "v").domain("a;b"))
                .hasMessage("domain of cookie \"a\" has an invalid character ';' at index 1");
    }

    @Test
    void toBuilderCopiesEveryAttribute() {
        Cookie c = Cookie.newBuilder("a", "1").domain("example.com").path("/p").expires(Instant.EPOCH)
                .maxAge(Duration.ofSeconds(5)).secure(true).httpOnly(true).sameSite(Cookie.SameSite.NONE)
                .hostOnly(true).creationTime(Instant.EPOCH).lastAccessTime(Instant.EPOCH.plusSeconds(1)).build();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().secure(false).build()).isNotEqualTo(c);
        assertThat(c).hasToString("a=1; Domain=example.com; Path=/p; Expires=Thu, 1 Jan 1970 00:00:00 GMT; "
                + "Max-Age=5; Secure; HttpOnly; SameSite=None "
                + "[host-only, created 1970-01-01T00:00:00Z, last access 1970-01-01T00:00:01Z]");
    }
}
