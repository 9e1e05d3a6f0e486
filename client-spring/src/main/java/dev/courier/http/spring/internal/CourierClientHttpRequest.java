package dev.courier.http.spring.internal;

import dev.courier.http.Headers;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.AbstractClientHttpRequest;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code ClientHttpRequest} WebClient writes into: it collects the method, URI, headers, cookies and body
 * publisher, and {@link #toCourierRequest()} turns them into a Courier {@link Request} once committed.
 * Nothing is sent from here: the connector sends the request after WebClient's callback completed, and
 * Courier subscribes to the body publisher when it writes the body.
 */
public final class CourierClientHttpRequest extends AbstractClientHttpRequest {
    private final HttpMethod method;
    private final URI uri;
    private final DataBufferFactory bufferFactory;
    private final Request.Builder builder;
    private final Headers.Builder headers = Headers.newBuilder();
    /** The Content-Length WebClient declared, or -1; set when the headers are applied. */
    private long contentLength = -1;
    private Request built;

    /**
     * A request for WebClient to write into.
     *
     * @param method        the request method
     * @param uri           the request URI
     * @param bufferFactory where WebClient's encoders take their buffers from
     */
    public CourierClientHttpRequest(HttpMethod method, URI uri, DataBufferFactory bufferFactory) {
        this.method = method;
        this.uri = uri;
        this.bufferFactory = bufferFactory;
        this.builder = Request.newBuilder(uri).method(method.name());
    }

    @Override
    public HttpMethod getMethod() {
        return method;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public DataBufferFactory bufferFactory() {
        return bufferFactory;
    }

    /** The Courier {@link Request} once the request is committed (after WebClient's callback), else null. */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T getNativeRequest() {
        return (T) built;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        // The write action runs after applyHeaders (doCommit concatenates them), so contentLength is known by then.
        return doCommit(() -> Mono.fromRunnable(() -> {
            Flux<ByteBuffer> bytes = Flux.from(body).map(DataBuffers::toByteBuffer);
            builder.body(RequestBody.ofPublisher(JdkFlowAdapter.publisherToFlowPublisher(bytes), contentLength));
        }));
    }

    /** Courier flushes every buffer it is given, so flushing boundaries need no marking: the buffers are concatenated. */
    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        return writeWith(Flux.from(body).concatMap(Function.identity()));
    }

    @Override
    public Mono<Void> setComplete() {
        return doCommit();
    }

    @Override
    protected void applyHeaders() {
        for (Map.Entry<String, List<String>> field : getHeaders().headerSet()) {
            String name = field.getKey();
            if (name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
                // Courier writes the framing: the declared length goes with the body (and is checked against it).
                String value = field.getValue().isEmpty() ? null : field.getValue().get(0);
                contentLength = value == null ? -1 : Long.parseLong(value.trim());
                continue;
            }
            if (name.equalsIgnoreCase(HttpHeaders.TRANSFER_ENCODING)) {
                continue; // Courier chunks a body of unknown length itself
            }
            for (String value : field.getValue()) {
                headers.add(name, value);
            }
        }
    }

    @Override
    protected void applyCookies() {
        if (getCookies().isEmpty()) {
            return;
        }
        StringBuilder cookie = new StringBuilder();
        for (List<HttpCookie> values : getCookies().values()) {
            for (HttpCookie c : values) {
                if (cookie.length() > 0) {
                    cookie.append("; "); // RFC 6265 section 5.4: one Cookie field, pairs separated by "; "
                }
                cookie.append(c.getName()).append('=').append(c.getValue());
            }
        }
        headers.add(HttpHeaders.COOKIE, cookie.toString());
    }

    /**
     * The Courier request: what WebClient wrote, or for a request it never committed (no body written), the
     * method, URI and headers as they stand.
     *
     * @return the request to send
     */
    public Request toCourierRequest() {
        if (!isCommitted()) {
            applyHeaders();
            applyCookies();
        }
        built = builder.headers(headers.build()).build();
        return built;
    }
}
