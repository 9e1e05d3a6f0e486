package dev.courier.http.internal.body;

import dev.courier.http.RequestBody;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Flow;

/**
 * A request body read from a file: sent with a zero-copy {@code FileRegion} on plaintext connections,
 * and through {@link FilePublisher} (asynchronous reads, off the event loop) elsewhere.
 */
public final class FileRequestBody extends RequestBody {
    private final Path file;
    private final long length;

    public FileRequestBody(Path file, long length) {
        this.file = file;
        this.length = length;
    }

    public Path file() {
        return file;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public boolean isReplayable() {
        return true;
    }

    @Override
    public Flow.Publisher<ByteBuffer> publisher() {
        return new FilePublisher(file, length);
    }
}
