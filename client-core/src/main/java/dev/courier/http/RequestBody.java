package dev.courier.http;

import dev.courier.http.internal.body.BytesRequestBody;
import dev.courier.http.internal.body.FileRequestBody;
import dev.courier.http.internal.body.FormEncoding;
import dev.courier.http.internal.body.PublisherRequestBody;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * The body of a request: a publisher of bytes with a known or unknown length, replayable when its
 * source allows (Go's {@code Request.GetBody}), which lets the Transport retry and the Client follow
 * 307/308 redirects with the body.
 *
 * <p>A known length is sent as Content-Length and must match what the publisher produces (a mismatch
 * fails the request rather than corrupt the connection); an unknown length (-1) is sent chunked.
 *
 * <p>A body may know its media type ({@link #contentType()}: forms, {@link MultipartBody}); a request
 * built with it sends that Content-Type unless the caller set the field.
 */
public abstract class RequestBody {

    /** For subclasses; the factories below cover the usual sources. */
    protected RequestBody() {
    }

    /**
     * {@return the body from an array (not copied: do not change it while requests use it)} Replayable.
     *
     * @param bytes the body's bytes, all of them
     */
    public static RequestBody of(byte[] bytes) {
        return new BytesRequestBody(Objects.requireNonNull(bytes, "bytes"), 0, bytes.length);
    }

    /**
     * {@return the body from a string in the given charset} Replayable.
     *
     * @param text the text to send
     * @param charset the encoding (the caller states it in Content-Type)
     */
    public static RequestBody of(String text, Charset charset) {
        return of(text.getBytes(charset));
    }

    /**
     * An HTML form, {@code application/x-www-form-urlencoded}, encoded as Go's {@code url.Values.Encode}
     * (and so {@code http.PostForm}) does: keys sorted by code point, each key's values in their order,
     * names and values as UTF-8 with every byte but {@code A-Z a-z 0-9 - _ . ~} percent-encoded and space
     * as {@code +}. A key with no values is left out. The request sends {@code Content-Type:
     * application/x-www-form-urlencoded} unless the caller set a Content-Type. Replayable.
     *
     * @param values each key's values, e.g. {@code Map.of("q", List.of("a b"), "n", List.of("1", "2"))}
     *               gives {@code n=1&n=2&q=a+b}
     * @return the encoded form
     * @throws NullPointerException if a key, a key's list or a value is null
     */
    public static RequestBody ofForm(Map<String, ? extends Collection<String>> values) {
        byte[] encoded = FormEncoding.encode(values);
        return new BytesRequestBody(encoded, 0, encoded.length, FormEncoding.CONTENT_TYPE);
    }

    /**
     * {@return the body from a file, read when sent (zero-copy with sendfile on plaintext connections)}
     * Replayable. The file must exist and be readable now; its size now is the Content-Length.
      *
      * @param file a readable regular file
     */
    public static RequestBody ofFile(Path file) {
        try {
            return new FileRequestBody(file, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + file + " as a request body: " + e, e);
        }
    }

    /**
     * {@return a body produced once by {@code publisher}; {@code length} bytes, or -1 when unknown (sent
     * chunked)} Not replayable: a request carrying it is never retried with it.
      *
      * @param publisher the bytes, subscribed to once; it must honour the subscriber's demand
      * @param length the exact number of bytes it will publish, or -1
     */
    public static RequestBody ofPublisher(Flow.Publisher<ByteBuffer> publisher, long length) {
        return new PublisherRequestBody(() -> publisher, length, false);
    }

    /**
     * {@return a replayable body: {@code publishers} supplies a fresh publisher of the same bytes each time}
     *
     * @param publishers called for each attempt (retries and 307/308 redirects) for a new publisher
     * @param length the exact number of bytes each publisher publishes, or -1
     */
    public static RequestBody ofPublisher(Supplier<Flow.Publisher<ByteBuffer>> publishers, long length) {
        return new PublisherRequestBody(publishers, length, true);
    }

    /**
     * The media type of these bytes, which a request built with this body sends as Content-Type unless
     * the caller set that field; {@code null} (the default) when the body does not know it.
     *
     * @return a Content-Type value, or null
     */
    public String contentType() {
        return null;
    }

    /** {@return the length in bytes, or -1 when unknown} */
    public abstract long contentLength();

    /** {@return whether {@link #publisher()} may be called again to send the same bytes again} */
    public abstract boolean isReplayable();

    /**
     * {@return a publisher of the body's bytes} A replayable body returns a fresh one each time; other bodies
     * may be published once and throw {@link IllegalStateException} after.
     */
    public abstract Flow.Publisher<ByteBuffer> publisher();
}
