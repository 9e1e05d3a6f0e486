package dev.courier.http.internal.body;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.BrotliDecompressor;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.compression.Decompressor;
import io.netty.handler.codec.compression.Zstd;
import io.netty.handler.codec.compression.ZstdDecompressor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The content codings Courier asks for and decodes: gzip and deflate always (the JDK's zlib), Brotli
 * ({@code br}, RFC 7932) when brotli4j and its native library are on the class path, and zstd (RFC 8878)
 * when zstd-jni is. Both are optional dependencies: Netty's {@code Brotli.isAvailable()} and
 * {@code Zstd.isAvailable()} decide, once per JVM, and a coding that is not available is neither offered
 * in Accept-Encoding nor decoded (Go's rule: decode only what was asked for).
 *
 * <p>Finding out loads the native libraries, which reads files: {@link #load()} is called when a
 * Transport is built, on the caller's thread, so that no event loop ever does it.
 */
public final class ContentCodings {
    private static final InternalLogger log = InternalLoggerFactory.getInstance(ContentCodings.class);
    private static final boolean BROTLI = available("br", "com.aayushatharva.brotli4j:brotli4j and its native-<platform> artifact",
            Brotli::isAvailable, Brotli::cause);
    private static final boolean ZSTD = available("zstd", "com.github.luben:zstd-jni", Zstd::isAvailable, Zstd::cause);
    /** The Accept-Encoding value Courier sends when the caller did not set one. */
    public static final String ACCEPT_ENCODING = "gzip, deflate" + (BROTLI ? ", br" : "") + (ZSTD ? ", zstd" : "");

    private ContentCodings() {
    }

    /** Decides which codings are available (class initialization), if that has not happened yet. */
    public static void load() {
        // the static initializer did the work
    }

    /** Whether Brotli bodies are asked for and decoded. */
    public static boolean brotli() {
        return BROTLI;
    }

    /** Whether zstd bodies are asked for and decoded. */
    public static boolean zstd() {
        return ZSTD;
    }

    /** A Brotli decoder (only when {@link #brotli()}), its output in 64 KiB pieces so that the size cap bites early. */
    public static Decompressor brotliDecompressor(ByteBufAllocator alloc) {
        return new Named("br", BrotliDecompressor.builder().maxOutputChunkSize(64 * 1024).build(alloc));
    }

    /**
     * A zstd decoder (only when {@link #zstd()}), with Netty's default window limit (8 MiB, RFC 8878
     * section 3.1.1.1.2's recommendation for decoders), which bounds the memory a hostile frame can claim.
     */
    public static Decompressor zstdDecompressor(ByteBufAllocator alloc) {
        return new Named("zstd", ZstdDecompressor.builder().build(alloc));
    }

    /** Wraps a decoder with the name of its coding, for {@link dev.courier.http.ContentDecodingException}. */
    public static Decompressor named(String coding, Decompressor decompressor) {
        return new Named(coding, decompressor);
    }

    /** The coding a decoder made by this class decodes, or "unknown". */
    static String codingOf(Decompressor decompressor) {
        return decompressor instanceof Named ? ((Named) decompressor).coding : "unknown";
    }

    private static boolean available(String coding, String artifact, java.util.function.BooleanSupplier check,
                                     java.util.function.Supplier<Throwable> cause) {
        boolean ok;
        try {
            ok = check.getAsBoolean();
        } catch (LinkageError | RuntimeException e) {
            ok = false;
        }
        if (ok) {
            log.debug("content coding {} available: offered in Accept-Encoding", coding);
        } else {
            log.debug("content coding {} not available (add {}): {}", coding, artifact, cause.get());
        }
        return ok;
    }

    /** A decoder and its coding's name. */
    private static final class Named implements Decompressor {
        final String coding;
        private final Decompressor delegate;

        Named(String coding, Decompressor delegate) {
            this.coding = coding;
            this.delegate = delegate;
        }

        @Override
        public Status status() throws DecompressionException {
            return delegate.status();
        }

        @Override
        public void addInput(ByteBuf input) throws DecompressionException {
            delegate.addInput(input);
        }

        @Override
        public void endOfInput() throws DecompressionException {
            delegate.endOfInput();
        }

        @Override
        public ByteBuf takeOutput() throws DecompressionException {
            return delegate.takeOutput();
        }

        @Override
        public void close() throws DecompressionException {
            delegate.close();
        }
    }
}
