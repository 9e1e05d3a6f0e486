package dev.courier.http.micrometer;

import java.util.Objects;

/**
 * The URI template of a request (e.g. {@code /users/{id}}), for the {@code uri} tag, set as a request
 * attribute: {@code Request.newBuilder(uri).attribute(UriTemplate.class, UriTemplate.of("/users/{id}"))}.
 * Tagging the template rather than the path keeps the number of timers bounded; a request without one
 * is tagged {@code uri=none}, as Micrometer's own HTTP client instrumentations do.
 *
 * @param value the template, as it should appear in the tag
 */
public record UriTemplate(String value) {

    /**
     * Checks the template.
     *
     * @param value the template, not null
     */
    public UriTemplate {
        Objects.requireNonNull(value, "value");
    }

    /**
     * {@return the template {@code value}, for {@code Request.Builder.attribute}}
     *
     * @param value the template, e.g. {@code /users/{id}}
     */
    public static UriTemplate of(String value) {
        return new UriTemplate(value);
    }
}
