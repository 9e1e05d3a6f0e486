package dev.courier.http.internal.body;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * The body pieces read but not yet delivered, in order. Most bodies arrive as one piece, so the first
 * sits in a field and a deque exists only once a second piece waits behind it. Invariant: when
 * {@code first} is null the overflow is empty. Confined to the body's event loop.
 */
final class PieceQueue {
    private ByteBuf first;
    private ArrayDeque<ByteBuf> rest;

    void add(ByteBuf piece) {
        if (first == null) {
            first = piece;
            return;
        }
        if (rest == null) {
            rest = new ArrayDeque<>(4);
        }
        rest.addLast(piece);
    }

    /** The oldest piece, or null when empty. */
    ByteBuf poll() {
        ByteBuf piece = first;
        if (piece != null) {
            first = rest == null ? null : rest.pollFirst();
        }
        return piece;
    }

    boolean isEmpty() {
        return first == null;
    }

    /** Releases every piece. */
    void clear() {
        ByteBuf piece;
        while ((piece = poll()) != null) {
            piece.release();
        }
    }
}
