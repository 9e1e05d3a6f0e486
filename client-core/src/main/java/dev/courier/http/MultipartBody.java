package dev.courier.http;

import dev.courier.http.internal.body.MultipartEncoding;
import dev.courier.http.internal.body.SequencePublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A {@code multipart/form-data} request body (RFC 7578), as an HTML form with file inputs sends: text
 * fields, files, and parts from memory or from publishers, streamed in order. A file is read when the
 * body is sent, 64 KiB at a time as the connection takes it, off the event loop, and never held whole.
 *
 * <pre>{@code
 * MultipartBody body = MultipartBody.newBuilder()
 *     .field("title", "holiday")
 *     .file("photo", Path.of("beach.jpg"), "image/jpeg")
 *     .build();
 * client.send(Request.newBuilder(uri).post(body).build());   // Content-Type: multipart/form-data; boundary=...
 * }</pre>
 *
 * <p>The body has a Content-Length when every part's length is known (a file's is its size when it was
 * added; a file that shrinks before it is sent fails the request), and is sent chunked otherwise. It is
 * replayable (for redirects 307/308 and retries) unless a part came from a one-shot publisher.
 *
 * <p>The boundary is random (Go's: 30 random bytes in hex) and checked not to occur in any part held in
 * memory. Field names and file names go in quoted Content-Disposition parameters as UTF-8 with {@code "},
 * {@code \}, CR and LF percent-encoded, as browsers do (WHATWG HTML, RFC 7578 section 4.2) plus the
 * backslash; Go's {@code mime/multipart} backslash-escapes instead.
 */
public final class MultipartBody extends RequestBody {
    private final String boundary;
    private final SequencePublisher publisher;
    private final long length;
    private final boolean replayable;
    private final AtomicBoolean used = new AtomicBoolean();

    private MultipartBody(MultipartEncoding.Layout layout, boolean replayable) {
        this.boundary = layout.boundary();
        this.publisher = new SequencePublisher(layout.sources());
        this.length = layout.length();
        this.replayable = replayable;
    }

    /**
     * Starts an empty form.
     *
     * @return a builder of a multipart/form-data body
     */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * The boundary that separates the parts (RFC 2046 section 5.1.1).
     *
     * @return the boundary, without the leading {@code --}
     */
    public String boundary() {
        return boundary;
    }

    /**
     * {@code multipart/form-data; boundary=...}, which a request built with this body sends as Content-Type
     * unless the caller set that field.
     *
     * @return the Content-Type value
     */
    @Override
    public String contentType() {
        return MultipartEncoding.contentType(boundary);
    }

    /**
     * The total length of the encoded form, or -1 when a part's length is unknown (then sent chunked).
     *
     * @return the length in bytes, or -1
     */
    @Override
    public long contentLength() {
        return length;
    }

    /**
     * Whether the body can be sent again: true unless a part came from a one-shot publisher.
     *
     * @return whether {@link #publisher()} may be called more than once
     */
    @Override
    public boolean isReplayable() {
        return replayable;
    }

    /**
     * A publisher of the encoded form that reads each part only when its turn comes and only as far as
     * demand allows.
     *
     * @return a fresh publisher of the body's bytes
     * @throws IllegalStateException if the body is not replayable and was published already
     */
    @Override
    public Flow.Publisher<ByteBuffer> publisher() {
        if (!replayable && !used.compareAndSet(false, true)) {
            throw new IllegalStateException("this multipart body has a part from a one-shot publisher and was already sent; "
                    + "use a Supplier of publishers for a replayable part");
        }
        return publisher;
    }

    /** Builds a {@link MultipartBody}; the parts are sent in the order they were added. Not thread-safe. */
    public static final class Builder {
        private final MultipartEncoding encoding = new MultipartEncoding();
        private String boundary;
        private boolean replayable = true;

        private Builder() {
        }

        /**
         * Adds a text field, as UTF-8 and without a Content-Type (RFC 7578 section 4.4: text/plain is implied).
         *
         * @param name  the field's name
         * @param value the field's value
         * @return this builder
         */
        public Builder field(String name, String value) {
            encoding.addBytes(checkName(name), null, null, Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /**
         * Adds a file part named after the file ({@code filename} is its last path element) with Content-Type
         * {@code application/octet-stream}, as Go's {@code CreateFormFile} does.
         *
         * @param name the field's name
         * @param file a readable file; its size now is the part's length
         * @return this builder
         * @throws UncheckedIOException if the file's size cannot be read
         */
        public Builder file(String name, Path file) {
            return file(name, file, "application/octet-stream");
        }

        /**
         * Adds a file part named after the file with this Content-Type.
         *
         * @param name        the field's name
         * @param file        a readable file; its size now is the part's length
         * @param contentType the part's Content-Type, e.g. {@code image/png}
         * @return this builder
         * @throws UncheckedIOException if the file's size cannot be read
         */
        public Builder file(String name, Path file, String contentType) {
            Path fileName = Objects.requireNonNull(file, "file").getFileName();
            return file(name, fileName == null ? "" : fileName.toString(), contentType, file);
        }

        /**
         * Adds a file part with the file name the server sees and a Content-Type. The file is read when the
         * body is sent; its size now is the part's length.
         *
         * @param name        the field's name
         * @param filename    the file name sent in Content-Disposition
         * @param contentType the part's Content-Type, or null for none
         * @param file        a readable file
         * @return this builder
         * @throws UncheckedIOException if the file's size cannot be read
         */
        public Builder file(String name, String filename, String contentType, Path file) {
            long size;
            try {
                size = Files.size(Objects.requireNonNull(file, "file"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot use " + file + " in a multipart body: " + e, e);
            }
            encoding.addFile(checkName(name), Objects.requireNonNull(filename, "filename"), checkType(contentType), file, size);
            return this;
        }

        /**
         * Adds a part whose content is in memory (not copied: do not change the array while requests use it).
         *
         * @param name        the field's name
         * @param filename    the file name sent in Content-Disposition, or null for none
         * @param contentType the part's Content-Type, or null for none
         * @param content     the part's bytes
         * @return this builder
         */
        public Builder part(String name, String filename, String contentType, byte[] content) {
            encoding.addBytes(checkName(name), filename, checkType(contentType), Objects.requireNonNull(content, "content"));
            return this;
        }

        /**
         * Adds a part produced once by {@code content}: the body is then not replayable.
         *
         * @param name        the field's name
         * @param filename    the file name sent in Content-Disposition, or null for none
         * @param contentType the part's Content-Type, or null for none
         * @param content     the part's bytes, subscribed when the part's turn comes
         * @param length      the number of bytes {@code content} produces, or -1 when unknown (the body is then chunked)
         * @return this builder
         */
        public Builder part(String name, String filename, String contentType, Flow.Publisher<ByteBuffer> content, long length) {
            Objects.requireNonNull(content, "content");
            encoding.addPublisher(checkName(name), filename, checkType(contentType), () -> content, checkLength(length));
            replayable = false;
            return this;
        }

        /**
         * Adds a replayable part: {@code content} supplies a fresh publisher of the same bytes each time the
         * body is sent.
         *
         * @param name        the field's name
         * @param filename    the file name sent in Content-Disposition, or null for none
         * @param contentType the part's Content-Type, or null for none
         * @param content     makes a publisher of the part's bytes, called when the part's turn comes
         * @param length      the number of bytes each publisher produces, or -1 when unknown (the body is then chunked)
         * @return this builder
         */
        public Builder part(String name, String filename, String contentType, Supplier<Flow.Publisher<ByteBuffer>> content,
                            long length) {
            encoding.addPublisher(checkName(name), filename, checkType(contentType), Objects.requireNonNull(content, "content"),
                    checkLength(length));
            return this;
        }

        /**
         * Uses this boundary instead of a random one (for tests and servers that want a fixed one).
         *
         * @param boundary 1 to 70 characters of RFC 2046 section 5.1.1's set, not ending in a space, that
         *                 occurs in no part held in memory (checked by {@link #build()})
         * @return this builder
         */
        public Builder boundary(String boundary) {
            this.boundary = Objects.requireNonNull(boundary, "boundary");
            return this;
        }

        /**
         * Lays out the form.
         *
         * @return the body
         * @throws IllegalArgumentException if the boundary set is invalid or occurs in a part
         */
        public MultipartBody build() {
            return new MultipartBody(encoding.finish(boundary), replayable);
        }

        private static String checkName(String name) {
            return Objects.requireNonNull(name, "name");
        }

        private static long checkLength(long length) {
            if (length < -1) {
                throw new IllegalArgumentException("part length < -1: " + length);
            }
            return length;
        }

        /** A part's Content-Type is a header field value: no control characters (RFC 9110 section 5.5). */
        private static String checkType(String contentType) {
            if (contentType != null) {
                for (int i = 0; i < contentType.length(); i++) {
                    char c = contentType.charAt(i);
                    if (c < 0x20 && c != '\t' || c == 0x7f) {
                        throw new IllegalArgumentException("part Content-Type has a control character at index " + i);
                    }
                }
            }
            return contentType;
        }
    }
}
