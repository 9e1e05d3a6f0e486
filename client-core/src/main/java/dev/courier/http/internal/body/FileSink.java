package dev.courier.http.internal.body;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * Streams the body into a file with {@link AsynchronousFileChannel}: one piece in flight at a time, the
 * next one requested when the write completes, so neither memory nor the event loop suffers from a
 * slow disk.
 */
final class FileSink implements BodySink, CompletionHandler<Integer, ByteBuf> {
    private final Path file;
    private final CompletableFuture<Path> result;
    private BodyStream stream;
    private AsynchronousFileChannel channel;
    private long position;
    private boolean complete;
    private boolean writing;

    FileSink(Path file, CompletableFuture<Path> result) {
        this.file = file;
        this.result = result;
    }

    @Override
    public void onStart(BodyStream stream) {
        this.stream = stream;
        try {
            channel = AsynchronousFileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | RuntimeException e) {
            stream.failFromConsumer(new IOException("cannot write the body of " + stream.description() + " to " + file + ": " + e, e));
            return;
        }
        stream.request(1);
    }

    @Override
    public void onData(ByteBuf data) {
        writing = true;
        channel.write(data.nioBuffer(), position, data, this);
    }

    @Override
    public void completed(Integer written, ByteBuf data) {
        position += written;
        data.skipBytes(written);
        if (data.isReadable()) {
            channel.write(data.nioBuffer(), position, data, this);
            return;
        }
        data.release();
        stream.eventLoop().execute(() -> {
            writing = false;
            if (complete) {
                finish();
            } else {
                stream.request(1);
            }
        });
    }

    @Override
    public void failed(Throwable error, ByteBuf data) {
        data.release();
        stream.eventLoop().execute(() -> {
            writing = false;
            stream.failFromConsumer(new IOException("writing the body of " + stream.description() + " to " + file
                    + " failed: " + error, error));
        });
    }

    @Override
    public void onComplete() {
        complete = true;
        if (!writing) {
            finish();
        }
    }

    private void finish() {
        try {
            channel.close();
            result.complete(file);
        } catch (IOException e) {
            result.completeExceptionally(e);
        }
    }

    @Override
    public void onRejected(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onError(Throwable error) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // The body already failed; the error reported is that one.
            }
        }
        result.completeExceptionally(error);
    }
}
