package dev.courier.http;

import java.io.IOException;

/**
 * A response body that Courier decompresses (it asked for the coding in Accept-Encoding) is not valid in
 * its coding: a corrupt gzip, deflate, Brotli or zstd stream. It arrives as the cause of a
 * {@link RequestException} in phase {@link RequestException.Phase#READ_BODY}; the body was cancelled.
 * A body that decompresses to too much is a {@link BodyLimitException} instead.
 */
public final class ContentDecodingException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The Content-Encoding that failed, e.g. "gzip". */
    private final String coding;

    /**
     * A body could not be decoded.
     *
     * @param coding  the Content-Encoding, e.g. "gzip" or "br"
     * @param message what the decoder found
     * @param cause   the decoder's exception
     */
    public ContentDecodingException(String coding, String message, Throwable cause) {
        super(message, cause);
        this.coding = coding;
    }

    /**
     * The content coding that failed.
     *
     * @return "gzip", "deflate", "br" or "zstd"
     */
    public String coding() {
        return coding;
    }
}
