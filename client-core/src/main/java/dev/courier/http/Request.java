package dev.courier.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable HTTP request: method, absolute http(s) URI, header fields, optional body, and the
 * per-request options (timeout, trace, attributes).
 *
 * <p>Everything is validated by {@link Builder#build()} before anything touches the network: the
 * method must be a token, the URI absolute with scheme http or https and a host, header names tokens
 * and values free of control characters other than HTAB (header fields are checked as they are added).
 * Each failure is an {@link IllegalArgumentException} naming the bad part, never a header's value.
 */
public final class Request {
    private final String method;
    private final URI uri;
    private final Headers headers;
    private final RequestBody body;
    private final Duration timeout;
    private final ClientTrace trace;
    /** Never sent; immutable, the shared empty map when there are none. */
    private final Map<Class<?>, Object> attributes;
    /** host[:port] for the Host header, computed once (racy single-check: a String is safely published). */
    private String authority;

    private Request(Builder b) {
        this.authority = b.uri == b.authorityOf ? b.authority : null;
        this.method = b.method;
        this.uri = b.uri;
        this.headers = b.headers != null ? b.headers.build() : b.baseHeaders;
        this.body = b.body;
        this.timeout = b.timeout;
        this.trace = b.trace;
        this.attributes = b.attributes;
    }

    /**
     * Starts a GET request for {@code uri}.
     *
     * @param uri an absolute http or https URI with a host; checked by {@link Builder#build()}
     * @return a new builder
     */
    public static Builder newBuilder(URI uri) {
        return new Builder(uri);
    }

    /**
     * Starts a GET request for {@code uri}, parsed with {@link URI#URI(String)}.
     *
     * @param uri an absolute http or https URL with a host; checked by {@link Builder#build()}
     * @return a new builder
     * @throws IllegalArgumentException when {@code uri} is no URI (the message hides its password)
     */
    public static Builder newBuilder(String uri) {
        try {
            return new Builder(new URI(uri));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URI " + Headers.quote(redact(uri)) + ": " + e.getReason(), e);
        }
    }

    /**
     * {@return a new builder holding this request's fields} Middleware uses it to derive a request (another
     * header, an attribute) and leaves this one unchanged.
     */
    public Builder toBuilder() {
        Builder b = new Builder(uri);
        b.method = method;
        b.baseHeaders = headers; // copied only if the builder changes a field
        if (authority != null) {
            b.authority = authority;
            b.authorityOf = uri;
        }
        b.body = body;
        b.timeout = timeout;
        b.trace = trace;
        b.attributes = attributes;
        return b;
    }

    /** {@return the method as given, e.g. GET (methods are case-sensitive)} */
    public String method() {
        return method;
    }

    /** {@return the absolute URI, user info included (see {@link #redactedUri()} for messages)} */
    public URI uri() {
        return uri;
    }

    /** {@return the header fields the caller set; the Transport adds Host, Content-Length and others when sending} */
    public Headers headers() {
        return headers;
    }

    /** {@return the body, or {@code null} when the request has none} */
    public RequestBody body() {
        return body;
    }

    /**
     * {@return the time allowed for this exchange from the moment the Transport takes it until the response
     * body is fully read, or {@code null} for none} When it fires while the body is being read, the body's
     * publisher fails with a timeout and the connection is closed.
     */
    public Duration timeout() {
        return timeout;
    }

    /** {@return the trace listener for this request only, or {@code null}} */
    public ClientTrace trace() {
        return trace;
    }

    /**
     * {@return the attribute stored under {@code type}, or {@code null}} Attributes are values for middleware
     * and listeners (a metrics URI template, a tracing context), never sent; see {@link Builder#attribute}.
     *
     * @param <T> the attribute's type
     * @param type the key the value was stored under
     */
    public <T> T attribute(Class<T> type) {
        return type.cast(attributes.get(type));
    }

    /** {@return every attribute, by type; an unmodifiable map} */
    public Map<Class<?>, Object> attributes() {
        return attributes;
    }

    /**
     * {@return the authority to send in the Host header: the caller's Host header if set, else host[:port] from
     * the URI}
     */
    public String hostHeader() {
        String h = headers.first("Host");
        if (h != null) {
            return h;
        }
        String a = authority;
        if (a == null) {
            a = authority(uri);
            authority = a;
        }
        return a;
    }

    /** {@return the port the request goes to: the URI's, or 80/443 by scheme} */
    public int port() {
        return port(uri);
    }

    /** {@return the URI as text with any password removed, for messages and logs} */
    public String redactedUri() {
        return redact(uri);
    }

    @Override
    public String toString() {
        return method + " " + redactedUri();
    }

    static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    static String authority(URI uri) {
        String host = uri.getHost();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int zone = host.indexOf('%');
        if (zone > 0 && host.startsWith("[")) {
            // An IPv6 zone (RFC 6874) names an interface of this machine and means nothing to the server:
            // Go's removeZone leaves it out of Host, "[fe80::1%25eth0]:8080" becoming "[fe80::1]:8080".
            host = host.substring(0, zone) + "]";
        }
        int port = uri.getPort();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        if (port == -1 || port == (https ? 443 : 80)) {
            return host;
        }
        return host + ":" + port;
    }

    /**
     * {@return {@code uri} as text with the password of its user info replaced by "***"}
     *
     * @param uri any URI, or null (giving "null")
     */
    public static String redact(URI uri) {
        if (uri == null) {
            return "null";
        }
        String authority = uri.getRawAuthority();
        // Check the raw authority, not getUserInfo(): a URI whose host does not parse (e.g. "user:pw@bad_host")
        // has no user info by java.net.URI's reckoning yet still carries the password.
        return authority == null || authority.indexOf('@') < 0 ? uri.toString() : redact(uri.toString());
    }

    static String redact(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd < 0) {
            return uri;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < uri.length() && "/?#".indexOf(uri.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        int at = uri.lastIndexOf('@', authorityEnd - 1);
        if (at < authorityStart) {
            return uri;
        }
        int colon = uri.indexOf(':', authorityStart);
        if (colon < 0 || colon > at) {
            return uri;
        }
        return uri.substring(0, colon + 1) + "***" + uri.substring(at);
    }

    /** Builds a {@link Request}; {@link #build()} validates everything. */
    public static final class Builder {
        private String method = "GET";
        private URI uri;
        /**
         * The fields: {@code baseHeaders} (immutable) until a field changes, then a builder made from them,
         * so that a copy that only changes the trace, timeout or attributes (as a Client and middleware make
         * for every request) shares the fields instead of copying them.
         */
        private Headers baseHeaders = Headers.empty();
        private Headers.Builder headers;
        /** The Host authority already computed for {@code authorityOf}, carried by {@link Request#toBuilder}. */
        private String authority;
        private URI authorityOf;
        private RequestBody body;
        private Duration timeout;
        private ClientTrace trace;
        private Map<Class<?>, Object> attributes = Map.of();

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /**
         * Replaces the URI.
         *
         * @param uri an absolute http or https URI with a host; checked by {@link #build()}
         * @return this builder
         */
        public Builder uri(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * Sets the method, e.g. "POST"; it must be a token (RFC 9110 section 9.1) and is sent as given.
         *
         * @param method the method, case-sensitive; GET unless set; checked by {@link #build()}
         * @return this builder
         */
        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * Sets the method and body in one call.
         *
         * @param method the method, as {@link #method(String)} takes it
         * @param body the body, or null for none
         * @return this builder
         */
        public Builder method(String method, RequestBody body) {
            return method(method).body(body);
        }

        /**
         * Adds a header field, keeping existing values of the same name.
         *
         * @param name the field name, a token (case-insensitive, sent as given)
         * @param value the value, without control characters other than HTAB
         * @return this builder
         * @throws IllegalArgumentException when the name or value is invalid (the message never shows the value)
         */
        public Builder header(String name, String value) {
            editHeaders().add(name, value);
            return this;
        }

        /**
         * Replaces every value of a header field.
         *
         * @param name the field name, a token (case-insensitive)
         * @param value the one value the field will have
         * @return this builder
         * @throws IllegalArgumentException when the name or value is invalid
         */
        public Builder setHeader(String name, String value) {
            editHeaders().set(name, value);
            return this;
        }

        /**
         * Removes every value of a header field.
         *
         * @param name the field name (case-insensitive)
         * @return this builder
         */
        public Builder removeHeader(String name) {
            editHeaders().remove(name);
            return this;
        }

        private Headers.Builder editHeaders() {
            if (headers == null) {
                headers = baseHeaders.toBuilder();
            }
            return headers;
        }

        /**
         * Replaces all header fields.
         *
         * @param all the fields the request will have, already validated by {@link Headers}
         * @return this builder
         */
        public Builder headers(Headers all) {
            baseHeaders = Objects.requireNonNull(all, "headers");
            headers = null;
            return this;
        }

        /**
         * Sets the body; {@code null} for none. A body that knows its media type ({@link RequestBody#contentType()})
         * sets Content-Type when the request is built, unless this builder has one.
         *
         * @param body the body, or null; an empty body on a GET or HEAD is dropped by {@link #build()}
         * @return this builder
         */
        public Builder body(RequestBody body) {
            this.body = body;
            return this;
        }

        /**
         * Shortcut for {@code method("POST").body(body)}.
         *
         * @param body the body to POST
         * @return this builder
         */
        public Builder post(RequestBody body) {
            return method("POST", body);
        }

        /**
         * Time allowed from the Transport taking the request to the end of the response body; null or zero for none.
         *
         * @param timeout the time limit for this request's exchange, or null; not negative
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout != null && timeout.isNegative()) {
                throw new IllegalArgumentException("timeout < 0: " + timeout);
            }
            this.timeout = timeout == null || timeout.isZero() ? null : timeout;
            return this;
        }

        /**
         * A trace for this request only, called after the client's own trace.
         *
         * @param trace the trace, called on event loops (it must not block); null for none
         * @return this builder
         */
        public Builder trace(ClientTrace trace) {
            this.trace = trace;
            return this;
        }

        /**
         * Stores {@code value} under its type {@code type} (replacing any), or removes it when {@code value}
         * is null: OkHttp's request tags, Go's context values. Nothing of it is sent. A {@link Client} carries
         * the attributes of the request that produced a redirect over to the next hop, so middleware can keep
         * per-call state (a parent span, a resend count) across hops.
         *
         * @param <T> the attribute's type
         * @param type the key
         * @param value an instance of {@code type}, or null to remove the attribute
         * @return this builder
         */
        public <T> Builder attribute(Class<T> type, T value) {
            Objects.requireNonNull(type, "type");
            if (value == null && !attributes.containsKey(type)) {
                return this;
            }
            if (value != null && (attributes.isEmpty() || attributes.size() == 1 && attributes.containsKey(type))) {
                attributes = Map.of(type, type.cast(value)); // the common case, one attribute: one small object
                return this;
            }
            Map<Class<?>, Object> copy = new HashMap<>(attributes);
            if (value == null) {
                copy.remove(type);
            } else {
                copy.put(type, type.cast(value));
            }
            attributes = copy.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(copy);
            return this;
        }

        /**
         * Replaces every attribute with {@code all}, each value an instance of its key.
         *
         * @param all the attributes by type; neither keys nor values may be null
         * @return this builder
         */
        public Builder attributes(Map<Class<?>, Object> all) {
            Map<Class<?>, Object> copy = new HashMap<>(all.size());
            all.forEach((type, value) -> copy.put(Objects.requireNonNull(type, "type"), type.cast(Objects.requireNonNull(value, "value"))));
            attributes = copy.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(copy);
            return this;
        }

        /**
         * Validates and builds the request; see the class comment for the rules.
         *
         * @return the request
         * @throws IllegalArgumentException naming the bad part: method, scheme, host or port
         */
        public Request build() {
            if (method.isEmpty()) {
                throw new IllegalArgumentException("method is empty");
            }
            for (int i = 0; i < method.length(); i++) {
                if (!Headers.isTokenChar(method.charAt(i))) {
                    throw new IllegalArgumentException("method " + Headers.quote(method) + " has an invalid character "
                            + Headers.describe(method.charAt(i)) + " at index " + i);
                }
            }
            String scheme = uri.getScheme();
            if (scheme == null) {
                throw new IllegalArgumentException("URI " + Headers.quote(redact(uri)) + " has no scheme; want http or https");
            }
            String lower = scheme.toLowerCase(Locale.ROOT);
            if (!lower.equals("http") && !lower.equals("https")) {
                throw new IllegalArgumentException("URI " + Headers.quote(redact(uri)) + " has unsupported scheme "
                        + Headers.quote(scheme) + "; want http or https");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new IllegalArgumentException("URI " + Headers.quote(redact(uri)) + " has no host");
            }
            if (uri.getPort() == 0 || uri.getPort() > 65535) {
                throw new IllegalArgumentException("URI " + Headers.quote(redact(uri)) + " has invalid port " + uri.getPort());
            }
            if (body != null && (method.equals("GET") || method.equals("HEAD")) && body.contentLength() == 0) {
                body = null;
            }
            String bodyType = body == null ? null : body.contentType();
            if (bodyType != null && (headers != null ? headers.first("Content-Type") == null : !baseHeaders.contains("Content-Type"))) {
                editHeaders().add("Content-Type", bodyType); // as Go's PostForm and multipart callers set it
            }
            return new Request(this);
        }
    }
}
