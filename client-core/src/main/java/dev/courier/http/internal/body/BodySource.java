package dev.courier.http.internal.body;

import dev.courier.http.Request;
import io.netty.channel.EventLoop;

/**
 * The producing side of a {@link BodyStream}: the exchange that reads the body from its connection.
 * Called on {@link #eventLoop()} only.
 */
public interface BodySource {
    /** The request this body answers; its toString() ("GET http://...", without password) names the body in messages. */
    Request request();

    /** The id of the connection the body arrives on, for log lines ("c12"); "-" when there is none. */
    String connectionId();

    /** The loop every producer and consumer signal of the body runs on. */
    EventLoop eventLoop();

    /** The consumer wants more and the stream's buffers are empty: read from the socket. */
    void demand();

    /** The consumer stopped before the end: drain a small remainder or close the connection. */
    void cancelled();

    /** A failure of this body found by the stream (decoding, a cap, a close), typed for the caller: the phase is READ_BODY. */
    Throwable failure(String detail, Throwable cause);
}
