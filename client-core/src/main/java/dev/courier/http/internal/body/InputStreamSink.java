package dev.courier.http.internal.body;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * A blocking {@link InputStream} over the body. At most {@link #WINDOW} pieces are requested ahead of
 * the reader, so buffering stays bounded; closing the stream early cancels the body.
 *
 * <p>The event loop hands pieces over without ever waiting (DESIGN invariant 3): a lock-free queue and a
 * semaphore whose release is a compare-and-set and an unpark. (A {@code LinkedBlockingQueue} was used before: its
 * {@code add} takes the consumer's lock to signal it, so the loop parked whenever the reading thread held that
 * lock; under the tests' BlockHound that park threw out of {@code onData}, losing a piece and hanging the reader
 * in one of 10,000 blocking reads.) The reader waits in {@link Semaphore#acquire()}, where a virtual thread
 * unmounts.
 */
final class InputStreamSink extends InputStream implements BodySink {
    private static final int WINDOW = 4;
    private static final ByteBuffer END = ByteBuffer.allocate(0);

    /** Pieces, then END or a Throwable; written on the loop, read by the reader. */
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    /** One permit per element of {@link #queue}. */
    private final Semaphore queued = new Semaphore(0);
    private volatile BodyStream stream;
    private ByteBuffer current;
    private IOException failure;
    private boolean eof;
    private volatile boolean closed;

    @Override
    public void onStart(BodyStream stream) {
        this.stream = stream;
        if (closed) {
            stream.cancel();
        } else {
            stream.request(WINDOW);
        }
    }

    @Override
    public void onData(ByteBuf data) {
        ByteBuffer copy = ByteBuffer.allocate(data.readableBytes());
        data.readBytes(copy);
        data.release();
        put(copy.flip());
    }

    @Override
    public void onComplete() {
        put(END);
    }

    @Override
    public void onError(Throwable error) {
        put(error);
    }

    @Override
    public void onRejected(Throwable error) {
        put(error);
    }

    /** Hands {@code item} to the reader without waiting: on the event loop. */
    private void put(Object item) {
        queue.add(item);
        queued.release();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    /** Makes {@link #current} readable; false at the end of the body. */
    private boolean fill() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (failure != null) {
            throw failure;
        }
        while (current == null || !current.hasRemaining()) {
            if (eof) {
                return false;
            }
            if (current != null) {
                current = null;
                stream.request(1);
            }
            Object next;
            try {
                queued.acquire();
                next = queue.poll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading a response body");
            }
            if (next == END) {
                eof = true;
                return false;
            }
            if (next instanceof Throwable) {
                Throwable t = (Throwable) next;
                failure = t instanceof IOException ? (IOException) t : new IOException(t.getMessage(), t);
                throw failure;
            }
            current = (ByteBuffer) next;
        }
        return true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!eof && stream != null) {
                stream.cancel();
            }
        }
    }
}
