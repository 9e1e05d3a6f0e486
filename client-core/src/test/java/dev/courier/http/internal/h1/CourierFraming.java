package dev.courier.http.internal.h1;

import dev.courier.http.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Runs bytes through Courier's {@link Http1ResponseDecoder} on an {@link EmbeddedChannel}, one read per
 * piece and then the connection's close, checks the order of what comes out against the decoder's contract
 * as {@link Http1Exchange} relies on it, and returns the {@link Framing}. Every buffer comes from a
 * {@link TrackingAllocator}, and every one must be released when the channel is done.
 */
final class CourierFraming {
    private CourierFraming() {
    }

    /**
     * Decodes {@code pieces}; {@code extra} handlers go after the decoder (a test puts a faulty one there to
     * show that a leak fails the run).
     *
     * @throws AssertionError when the decoder breaks its contract, lets an exception through, or a buffer
     *     is not released
     */
    static Framing decode(List<byte[]> pieces, boolean head, int maxHeadBytes, ChannelHandler... extra) {
        TrackingAllocator alloc = new TrackingAllocator();
        Http1Connection connection = new Http1Connection(maxHeadBytes);
        Http1ResponseDecoder decoder = connection.decoder();
        decoder.expectResponseTo(head);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(decoder);
        ch.pipeline().addLast(extra);
        Recorder recorder = new Recorder();
        try {
            for (byte[] piece : pieces) {
                ch.writeInbound(alloc.buffer(piece.length).writeBytes(piece)); // throws what reached the pipeline's end
                recorder.drain(ch);
            }
            ch.finish(); // the server closes: the decoder's decodeLast
            recorder.drain(ch);
        } finally {
            ch.finishAndReleaseAll();
        }
        alloc.assertAllReleased();
        return recorder.framing;
    }

    /** Turns the decoder's messages into a Framing, asserting their order, and releases them. */
    private static final class Recorder {
        final Framing framing = new Framing();
        /** The head of the response in progress, for its declared length. */
        private ResponseHead head;

        void drain(EmbeddedChannel ch) {
            for (Object msg; (msg = ch.readInbound()) != null; ) {
                try {
                    record(msg);
                } finally {
                    ResponseHead.release(msg);
                }
            }
        }

        private void record(Object msg) {
            if (framing.failure != null) {
                throw new AssertionError("decoder produced " + msg + " after its failure " + framing);
            }
            Framing.Message m = framing.current();
            boolean open = m != null && !m.ended;
            if (msg instanceof ResponseHead) {
                ResponseHead h = (ResponseHead) msg;
                if (open || m != null && m.upgraded) {
                    throw new AssertionError("a head while response " + m + " is not over");
                }
                head = h;
                Framing.Message next = new Framing.Message(h.status);
                framing.messages.add(next);
                ByteBuf body = h.takeBody();
                if (body != null) {
                    try {
                        if (!h.complete) {
                            throw new AssertionError("a body with a head not marked complete");
                        }
                        next.body.writeBytes(bytes(body));
                    } finally {
                        body.release();
                    }
                }
                next.ended = h.complete || h.isInformational() || next.upgraded;
                checkLength(next);
            } else if (msg instanceof ByteBuf) {
                if (m == null || !open && !m.upgraded) {
                    throw new AssertionError("body bytes outside a body, after " + framing);
                }
                framing.append(bytes((ByteBuf) msg));
                checkLength(m);
            } else if (msg instanceof Http1ResponseDecoder.End) {
                if (!open || m.upgraded) {
                    throw new AssertionError("End outside a body, after " + framing);
                }
                m.ended = true;
                checkLength(m);
            } else if (msg instanceof Http1ResponseDecoder.Failure) {
                Http1ResponseDecoder.Failure f = (Http1ResponseDecoder.Failure) msg;
                if (f.inHead == open) {
                    throw new AssertionError("failure " + f.cause + " says inHead=" + f.inHead + " after " + framing);
                }
                framing.failure = f.cause.getClass().getSimpleName() + (f.inHead ? " in a head" : " in a body");
                framing.failureDetail = String.valueOf(f.cause.getMessage());
            } else {
                ReferenceCountUtil.release(msg);
                throw new AssertionError("unexpected message " + msg);
            }
        }

        /** A body with a declared length never exceeds it, and ends only when it is all there. */
        private void checkLength(Framing.Message m) {
            ResponseHead h = head;
            if (h == null || m.upgraded || h.isInformational() || h.contentLength < 0 || h.chunked
                    || m.status == 204 || m.status == 304 || h.complete && m.body.size() == 0) {
                return;
            }
            if (m.body.size() > h.contentLength || m.ended && m.body.size() != h.contentLength) {
                throw new AssertionError("Content-Length " + h.contentLength + " but " + m.body.size()
                        + " body bytes" + (m.ended ? " at the end" : "") + ": " + framing);
            }
        }

        private static byte[] bytes(ByteBuf b) {
            byte[] a = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), a);
            return a;
        }
    }
}
