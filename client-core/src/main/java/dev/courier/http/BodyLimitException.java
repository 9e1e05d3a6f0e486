package dev.courier.http;

import java.io.IOException;

/**
 * A response body went past a limit that keeps its reader's memory bounded: a line of
 * {@link ResponseBody#lines()}, an event of {@link ResponseBody#events()}, or the decompressed size of
 * a compressed body ({@link Transport.Builder#maxDecompressedBytes}). It arrives as the cause of a
 * {@link RequestException} in phase {@link RequestException.Phase#READ_BODY}; the body was cancelled.
 */
public final class BodyLimitException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Which limit was passed. */
    public enum Limit {
        /** A line longer than the maximum line length, in chars. */
        LINE_LENGTH,
        /** A Server-Sent Event whose data, or one of whose lines, is longer than the maximum event size, in chars. */
        EVENT_SIZE,
        /** A compressed body that decompresses to more bytes than allowed (a decompression bomb). */
        DECOMPRESSED_SIZE
    }

    /** Which limit was passed. */
    private final Limit limit;
    /** The limit's value, in chars or bytes as the limit counts. */
    private final long max;

    /**
     * A limit was passed.
     *
     * @param limit   which one
     * @param max     its value (chars or bytes, as the limit counts)
     * @param message what went past it
     */
    public BodyLimitException(Limit limit, long max, String message) {
        super(message);
        this.limit = limit;
        this.max = max;
    }

    /**
     * Which limit was passed.
     *
     * @return the limit
     */
    public Limit limit() {
        return limit;
    }

    /**
     * The limit's value: chars for lines and events, bytes for the decompressed size.
     *
     * @return the most that was allowed
     */
    public long max() {
        return max;
    }
}
