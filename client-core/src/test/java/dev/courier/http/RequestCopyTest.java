package dev.courier.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Copies made by {@code toBuilder} (a Client adds its trace and timeout to every hop, middleware a trace
 * or an attribute) share the immutable header fields unless they change one, and never change the
 * original's.
 */
class RequestCopyTest {
    private final Request original = Request.newBuilder("http://example.com:8080/a").header("Accept", "text/plain").build();

    @Test
    void aCopyThatChangesNoFieldSharesThem() {
        Request copy = original.toBuilder().trace(new ClientTrace() { }).timeout(Duration.ofSeconds(1))
                .attribute(String.class, "x").build();
        assertThat(copy.headers()).isSameAs(original.headers());
        assertThat(copy.hostHeader()).isEqualTo("example.com:8080");
        assertThat(Request.newBuilder("http://example.com/").build().headers()).isSameAs(Headers.empty());
    }

    @Test
    void aCopyThatChangesAFieldLeavesTheOriginalAlone() {
        Request copy = original.toBuilder().setHeader("Accept", "text/html").header("traceparent", "00-x").build();
        assertThat(copy.headers().all("Accept")).containsExactly("text/html");
        assertThat(copy.headers().first("traceparent")).isEqualTo("00-x");
        assertThat(original.headers().all("Accept")).containsExactly("text/plain");
        assertThat(original.headers().first("traceparent")).isNull();
        Request removed = original.toBuilder().removeHeader("Accept").build();
        assertThat(removed.headers().contains("Accept")).isFalse();
        assertThat(original.headers().contains("Accept")).isTrue();
    }

    @Test
    void theHostHeaderFollowsANewUri() {
        assertThat(original.hostHeader()).isEqualTo("example.com:8080"); // computed and cached
        Request moved = original.toBuilder().uri(java.net.URI.create("http://other.example/b")).build();
        assertThat(moved.hostHeader()).isEqualTo("other.example");
        Request withHost = original.toBuilder().setHeader("Host", "virtual.example").build();
        assertThat(withHost.hostHeader()).isEqualTo("virtual.example");
    }
}
