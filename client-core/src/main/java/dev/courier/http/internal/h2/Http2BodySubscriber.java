package dev.courier.http.internal.h2;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * The subscriber to one HTTP/2 request body's publisher: writes each piece as a DATA frame on the stream, asking
 * for the next one while the stream is writable (its flow-control window and the connection's outbound buffer
 * allow it) and once it is again ({@link #resume}), and ends the stream when the publisher completes. Checks the
 * pieces against the declared length. Signals of a subscriber its {@link Http2Stream} no longer uses are ignored.
 *
 * <p>Event-loop confined (the connection's loop): the publisher's signals hop onto it, in the order they came.
 */
final class Http2BodySubscriber implements Flow.Subscriber<ByteBuffer> {
    private final Http2Stream owner;
    private final Http2StreamChannel stream;
    private final EventLoop loop;
    private final long declared;
    private Flow.Subscription upstream;
    private boolean wantsDemand;
    private long bytes;

    Http2BodySubscriber(Http2Stream owner, Http2StreamChannel stream, EventLoop loop, long declared) {
        this.owner = owner;
        this.stream = stream;
        this.loop = loop;
        this.declared = declared;
    }

    /** The stream became writable again: ask for the piece held back while it was not. */
    void resume() {
        if (wantsDemand && upstream != null && owner.isCurrentBody(this)) {
            wantsDemand = false;
            upstream.request(1);
        }
    }

    void cancel() {
        if (upstream != null) {
            upstream.cancel();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        onLoop(() -> {
            if (!owner.isCurrentBody(this) || upstream != null) {
                s.cancel();
                return;
            }
            upstream = s;
            s.request(1);
        });
    }

    @Override
    public void onNext(ByteBuffer item) {
        onLoop(() -> {
            if (!owner.isCurrentBody(this) || upstream == null) {
                return;
            }
            bytes += item.remaining();
            if (declared >= 0 && bytes > declared) {
                owner.bodyFailed(new IOException("the request body publisher produced more than the declared length of "
                        + declared + " bytes"));
                return;
            }
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(item), false))
                    .addListener(owner.dataWritten);
            if (stream.isWritable()) {
                upstream.request(1);
            } else {
                wantsDemand = true;
            }
        });
    }

    @Override
    public void onError(Throwable error) {
        onLoop(() -> {
            if (owner.isCurrentBody(this)) {
                owner.bodyFailed(new IOException("the request body publisher failed: " + error, error));
            }
        });
    }

    @Override
    public void onComplete() {
        onLoop(() -> {
            if (!owner.isCurrentBody(this) || upstream == null) {
                return;
            }
            if (declared >= 0 && bytes != declared) {
                owner.bodyFailed(new IOException("the request body publisher produced " + bytes
                        + " bytes but declared " + declared));
                return;
            }
            owner.bodyPublished();
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true)).addListener(owner.lastWritten);
        });
    }

    private void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }
}
