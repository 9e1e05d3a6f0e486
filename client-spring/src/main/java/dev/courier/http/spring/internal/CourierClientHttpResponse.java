package dev.courier.http.spring.internal;

import dev.courier.http.Cookie;
import dev.courier.http.Headers;
import dev.courier.http.Response;
import dev.courier.http.reactor.ReactiveClient;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;

/**
 * A Courier {@link Response} as Spring's {@code ClientHttpResponse}: status, read-only headers, cookies parsed
 * from Set-Cookie when asked for, and the body as a backpressured Flux of heap {@link DataBuffer}s.
 *
 * <p>The body can be subscribed once. If the exchange is cancelled before that, the connector calls
 * {@link #releaseIfUnsubscribed()}, which closes the response so that its connection is not held until the
 * garbage collector finds it.
 */
public final class CourierClientHttpResponse implements ClientHttpResponse {
    private static final int UNSUBSCRIBED = 0;
    private static final int SUBSCRIBED = 1;
    private static final int RELEASED = 2;

    private final Response response;
    private final DataBufferFactory bufferFactory;
    private final HttpHeaders headers;
    private final AtomicInteger state = new AtomicInteger(UNSUBSCRIBED);
    /** Parsed on first use (most callers never ask); benign race: each thread parses the same fields. */
    private volatile MultiValueMap<String, ResponseCookie> cookies;

    /**
     * Wraps {@code response}.
     *
     * @param response      the Courier response
     * @param bufferFactory wraps each body {@code ByteBuffer} as a {@link DataBuffer}
     */
    public CourierClientHttpResponse(Response response, DataBufferFactory bufferFactory) {
        this.response = response;
        this.bufferFactory = bufferFactory;
        this.headers = toHttpHeaders(response.headers());
    }

    private static HttpHeaders toHttpHeaders(Headers fields) {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0, n = fields.size(); i < n; i++) {
            h.add(fields.name(i), fields.value(i));
        }
        return HttpHeaders.readOnlyHttpHeaders(h);
    }

    /** The connection's id (e.g. "c7"), which WebClient puts in its log lines. */
    @Override
    public String getId() {
        return response.connectionId();
    }

    @Override
    public HttpStatusCode getStatusCode() {
        return HttpStatusCode.valueOf(response.status());
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }

    @Override
    public MultiValueMap<String, ResponseCookie> getCookies() {
        MultiValueMap<String, ResponseCookie> c = cookies;
        if (c == null) {
            c = parseCookies(response.headers().all("Set-Cookie"));
            cookies = c;
        }
        return c;
    }

    private static MultiValueMap<String, ResponseCookie> parseCookies(List<String> setCookies) {
        MultiValueMap<String, ResponseCookie> result = new LinkedMultiValueMap<>();
        for (String field : setCookies) {
            Cookie.parse(field).ifPresent(cookie -> {
                ResponseCookie.ResponseCookieBuilder b = ResponseCookie.fromClientResponse(cookie.name(), cookie.value())
                        .secure(cookie.secure())
                        .httpOnly(cookie.httpOnly());
                cookie.domain().ifPresent(b::domain);
                cookie.path().ifPresent(b::path);
                cookie.maxAge().ifPresent(b::maxAge);
                cookie.sameSite().ifPresent(s -> b.sameSite(s.attributeValue()));
                result.add(cookie.name(), b.build());
            });
        }
        return CollectionUtils.unmodifiableMultiValueMap(result);
    }

    /**
     * The body, read from the socket as the subscriber demands; cancelling closes the connection. A second
     * subscription, or one after the exchange was cancelled, fails with {@link IllegalStateException}.
     */
    @Override
    public Flux<DataBuffer> getBody() {
        return Flux.defer(() -> {
            if (state.compareAndSet(UNSUBSCRIBED, SUBSCRIBED)) {
                return ReactiveClient.body(response).map(bufferFactory::wrap);
            }
            return Flux.error(new IllegalStateException(state.get() == RELEASED
                    ? "the response body of " + response.request() + " was released when the exchange was cancelled"
                    : "the response body of " + response.request() + " can be consumed once"));
        });
    }

    /** The exchange was cancelled: closes the response unless its body was subscribed (its subscriber owns it then). */
    public void releaseIfUnsubscribed() {
        if (state.compareAndSet(UNSUBSCRIBED, RELEASED)) {
            response.close();
        }
    }

    @Override
    public String toString() {
        return "CourierClientHttpResponse[" + response.status() + " " + response.request() + "]";
    }
}
