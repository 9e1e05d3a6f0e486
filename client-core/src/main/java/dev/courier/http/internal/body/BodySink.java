package dev.courier.http.internal.body;

import io.netty.buffer.ByteBuf;

/**
 * The consuming side of a {@link BodyStream}: a user's Flow subscriber (through {@link FlowSink}) or one
 * of the body's own collectors. Called on the body's event loop, never concurrently.
 */
interface BodySink {
    /** Attached to {@code stream}; a sink that wants everything calls {@code stream.request(Long.MAX_VALUE)}. */
    void onStart(BodyStream stream);

    /** A piece of the body; the sink owns {@code data} and must release it. */
    void onData(ByteBuf data);

    void onComplete();

    void onError(Throwable error);

    /** The body cannot be given to this sink (already consumed, closed): signal {@code error} without touching the stream. */
    void onRejected(Throwable error);
}
