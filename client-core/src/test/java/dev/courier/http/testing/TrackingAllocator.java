package dev.courier.http.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An unpooled allocator that remembers every buffer it made, so that a test (a fuzz target above all) can
 * check at once, without waiting for the garbage collector as Netty's leak detector must, that each one was
 * released: {@link #assertAllReleased()}. The buffers it hands out are wrapped by the leak detector as
 * Netty's own allocators' are (PARANOID in the tests), so a leak also shows up there, with its access records.
 *
 * <p>Not thread-safe: meant for an {@code EmbeddedChannel}, used on the test's thread.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> allocated = new ArrayList<>();

    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(toLeakAwareBuffer(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity)));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(toLeakAwareBuffer(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity)));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private ByteBuf track(ByteBuf b) {
        allocated.add(b);
        return b;
    }

    /** How many buffers were allocated so far. */
    public int allocations() {
        return allocated.size();
    }

    /**
     * Throws an AssertionError naming the buffers still referenced, after releasing them (so that one
     * failure does not also become a leak report later); forgets every buffer either way.
     */
    public void assertAllReleased() {
        List<String> unreleased = new ArrayList<>();
        for (int i = 0; i < allocated.size(); i++) {
            ByteBuf b = allocated.get(i);
            if (b.refCnt() != 0) {
                unreleased.add("buffer #" + i + " of " + allocated.size() + " (" + b + ", refCnt " + b.refCnt() + ")");
                b.release(b.refCnt());
            }
        }
        allocated.clear();
        if (!unreleased.isEmpty()) {
            throw new AssertionError(unreleased.size() + " buffer(s) not released: " + String.join(", ", unreleased));
        }
    }
}
