package dev.courier.http.internal.pool;

/**
 * Idle connections of every route, least recently used first (Go's {@code connLRU}): an intrusive
 * doubly linked list through the connections' own {@code lruPrev}/{@code lruNext} fields, so adding and
 * removing allocate nothing. Guarded by the {@link ConnectionPool}'s lock.
 */
final class IdleLru {
    private PooledConnection head;
    private PooledConnection tail;
    private int size;

    /** The least recently used idle connection, or null. */
    PooledConnection oldest() {
        return head;
    }

    int size() {
        return size;
    }

    /** Appends {@code c} as the most recently used. */
    void add(PooledConnection c) {
        c.inLru = true;
        c.lruPrev = tail;
        c.lruNext = null;
        if (tail != null) {
            tail.lruNext = c;
        } else {
            head = c;
        }
        tail = c;
        size++;
    }

    /** Unlinks {@code c}; a no-op when it is not in the list. */
    void remove(PooledConnection c) {
        if (!c.inLru) {
            return;
        }
        c.inLru = false;
        if (c.lruPrev != null) {
            c.lruPrev.lruNext = c.lruNext;
        } else {
            head = c.lruNext;
        }
        if (c.lruNext != null) {
            c.lruNext.lruPrev = c.lruPrev;
        } else {
            tail = c.lruPrev;
        }
        c.lruPrev = null;
        c.lruNext = null;
        size--;
    }
}
