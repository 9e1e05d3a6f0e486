package dev.courier.http.internal.h1;

import dev.courier.http.Headers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.List;

/**
 * Decodes the HTTP/1.1 responses of one connection into what {@link Http1Exchange} consumes: a
 * {@link ResponseHead}, then the body as retained slices of the read buffers (no copy), then an
 * {@link End} (carrying the trailers of a chunked body, if any); or a {@link Failure} when the server
 * broke the protocol, after which everything it sends is dropped. A head whose body is empty, or
 * already read whole, carries it and is marked complete: no slice or End follows it. An interim (1xx)
 * head has no body and no End; after "101 Switching Protocols" every byte passes through as it came.
 *
 * <p>It replaces Netty's {@code HttpClientCodec} on the response side because that codec builds a hashed
 * header map of Strings for every head and a second one for every body's end, which were the largest
 * share of a small GET's allocations. Here a head costs one copy of its bytes ({@link HeadParser});
 * a fixed-length or chunked body costs nothing per piece (pooled slices).
 *
 * <p>It also tells the connection when response bytes arrive, before anything is decoded (a server
 * that sends half a status line and closes has answered: the request must not be retried; Go
 * retries only when its first-byte peek saw nothing).
 *
 * <p>Event-loop confined.
 */
public final class Http1ResponseDecoder extends ByteToMessageDecoder {
    /** Largest body piece handed on, so that one piece never holds more than this much of the buffers. */
    static final int MAX_PIECE = 64 * 1024;
    /** Longest chunk-size line accepted (Go's chunked reader allows 4096 bytes). */
    static final int MAX_CHUNK_LINE = 4096;

    /** The end of a response body, with the trailer fields of a chunked one. */
    static final class End {
        static final End NO_TRAILERS = new End(Headers.empty(), false);
        static final End NO_TRAILERS_THEN_EXCESS = new End(Headers.empty(), true);
        final Headers trailers;
        /** Bytes other than whitespace followed the body: the connection must not carry another request. */
        final boolean excess;

        End(Headers trailers, boolean excess) {
            this.trailers = trailers;
            this.excess = excess;
        }
    }

    /** The server broke HTTP/1.1 framing; {@code inHead} when before a final response head was complete. */
    static final class Failure {
        final Throwable cause;
        final boolean inHead;

        Failure(Throwable cause, boolean inHead) {
            this.cause = cause;
            this.inHead = inHead;
        }
    }

    private static final byte[] NO_BYTES = new byte[0];
    /** Scratch space for status lines, one per event loop thread rather than per connection. */
    private static final FastThreadLocal<byte[]> STATUS_LINE = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[128];
        }
    };

    private enum State { HEAD, FIXED, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UPGRADED, BROKEN }

    private final Http1Connection connection;
    private final int maxHeadBytes;
    private final HeadParser parser = new HeadParser();

    private State state = State.HEAD;
    /** The request in flight is a HEAD: its response has no body whatever its fields say. */
    private boolean headRequest;
    /** Bytes of the pending head or trailer block already searched for its end, from the reader index. */
    private int scanned;
    private final BlankLineFinder blankLine = new BlankLineFinder();
    /** Where the blank line that ends the block found by {@link #findBlockEnd} starts. */
    private int blockContentEnd;
    /** FIXED: body bytes still to come; CHUNK_DATA: bytes left in the current chunk. */
    private long remaining;

    Http1ResponseDecoder(Http1Connection connection, int maxHeadBytes) {
        this.connection = connection;
        this.maxHeadBytes = maxHeadBytes;
    }

    /** The next response answers a HEAD request (or not): set before the request is written. */
    void expectResponseTo(boolean head) {
        this.headRequest = head;
    }

    /**
     * Whether bytes that came after the response just decoded wait here, undecoded: with one request at a time they
     * answer nothing, so the connection must not be reused (the next response would be read behind them).
     */
    boolean hasUnreadBytes() {
        return actualReadableBytes() > 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        try {
            if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
                connection.onResponseBytes(); // runs the caller's ClientTrace.gotFirstResponseByte, which may throw
            }
        } finally {
            super.channelRead(ctx, msg); // which owns msg from here: never leaked, whatever the notification did
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD:
                readHead(in, out);
                return;
            case FIXED:
                readFixed(in, out);
                return;
            case UNTIL_CLOSE:
            case UPGRADED:
                out.add(in.readRetainedSlice(Math.min(in.readableBytes(), MAX_PIECE)));
                return;
            case CHUNK_SIZE:
                readChunkSize(in, out);
                return;
            case CHUNK_DATA:
                readChunkData(in, out);
                return;
            case CHUNK_END:
                readChunkEnd(in, out);
                return;
            case TRAILERS:
                readTrailers(in, out);
                return;
            case BROKEN:
            default:
                in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state == State.UNTIL_CLOSE) {
            out.add(End.NO_TRAILERS); // the server closing is how this body ends
            state = State.HEAD;
        } else if (state == State.HEAD && blankLine.lineSeen) {
            // At least the status line came (as Netty's codec, a close before that is left to the exchange).
            failHead(in, out, new PrematureChannelClosureException("connection closed while reading the response head"));
        }
        // Elsewhere in a body the exchange sees the close and tells a short body from a complete one.
    }

    // ---- the head ----

    private void readHead(ByteBuf in, List<Object> out) {
        if (scanned == 0) {
            skipBetweenMessages(in);
            if (!in.isReadable()) {
                return;
            }
        }
        int start = in.readerIndex();
        int blockEnd = findBlockEnd(in, start);
        if (blockEnd < 0 || blockContentEnd - start > maxHeadBytes) {
            if (blockEnd >= 0 || in.readableBytes() - 1 > maxHeadBytes) {
                failHead(in, out, new TooLongFrameException("the response head exceeds maxResponseHeaderBytes ("
                        + maxHeadBytes + " bytes)"));
            }
            return;
        }
        // The status line goes to scratch space; only the field lines are copied into the head's own array.
        int lf = in.indexOf(start, blockContentEnd, (byte) '\n');
        int fieldsStart = lf < 0 ? blockContentEnd : lf + 1;
        int statusLength = fieldsStart - start;
        byte[] statusLine = STATUS_LINE.get();
        if (statusLine.length < statusLength) {
            statusLine = new byte[statusLength];
            if (statusLength <= 4096) {
                STATUS_LINE.set(statusLine); // a freak long one is not kept
            }
        }
        in.getBytes(start, statusLine, 0, statusLength);
        byte[] fieldBytes = fieldsStart == blockContentEnd ? NO_BYTES : new byte[blockContentEnd - fieldsStart];
        in.getBytes(fieldsStart, fieldBytes);
        in.readerIndex(blockEnd);
        ResponseHead head;
        try {
            head = parser.parse(statusLine, statusLength, fieldBytes);
        } catch (IllegalArgumentException malformed) {
            failHead(in, out, malformed);
            return;
        }
        int status = head.status;
        if (status == 101) {
            state = State.UPGRADED; // the exchange takes this decoder out; anything left passes through raw
        } else if (head.isInformational()) {
            state = State.HEAD; // an interim response: no body, the final head follows
        } else if (headRequest || status == 204 || status == 304 || head.contentLength == 0) {
            head.complete = true;
        } else if (head.chunked) {
            state = State.CHUNK_SIZE;
        } else if (head.contentLength > 0) {
            if (head.contentLength <= Math.min(in.readableBytes(), MAX_PIECE)) {
                // The whole body is here already (the common small response): it travels with the head,
                // one message through the pipeline rather than three.
                head.body = in.readRetainedSlice((int) head.contentLength);
                head.complete = true;
            } else {
                remaining = head.contentLength;
                state = State.FIXED;
            }
        } else {
            state = State.UNTIL_CLOSE;
        }
        if (head.complete && in.isReadable() && excessAfterResponse(in)) {
            head.persistent = false;
        }
        out.add(head);
    }

    /**
     * Whether bytes other than the whitespace tolerated between messages follow a response that is
     * complete (a 204 or 304 with a body, a body longer than its Content-Length, a body sent to a HEAD):
     * nothing was asked for, so the framing is broken and the bytes would be read as the start of the next
     * request's response (RFC 9112 section 9.3; Go's persistConn closes on an "Unsolicited response
     * received on idle HTTP channel"). Called only when bytes are left, which a well-framed exchange never has.
     */
    private static boolean excessAfterResponse(ByteBuf in) {
        for (int i = in.readerIndex(), end = in.writerIndex(); i < end; i++) {
            if ((in.getByte(i) & 0xff) > ' ') {
                return true;
            }
        }
        return false;
    }

    /** Skips the CR, LF and other control bytes or spaces some servers send between messages, as Netty's codec did. */
    private static void skipBetweenMessages(ByteBuf in) {
        int i = in.readerIndex();
        int end = in.writerIndex();
        while (i < end && (in.getByte(i) & 0xff) <= ' ') {
            i++;
        }
        in.readerIndex(i);
    }

    /**
     * Finds the blank line ending a block of lines that starts at {@code start} (a head, or a chunked
     * body's trailers, which may be empty): returns the index just past it and sets
     * {@link #blockContentEnd}, or returns -1 when the block is not all in yet. Each byte is looked at
     * once, however many reads the block takes.
     */
    private int findBlockEnd(ByteBuf in, int start) {
        int from = start + scanned;
        int end = in.writerIndex();
        int lf = from < end ? in.forEachByte(from, end - from, blankLine) : -1;
        if (lf < 0) {
            scanned = end - start;
            return -1;
        }
        blockContentEnd = lf - blankLine.crs;
        resetScan();
        return lf + 1;
    }

    private void resetScan() {
        scanned = 0;
        blankLine.reset();
    }

    /**
     * Finds the blank line that ends a block, byte by byte, across reads: a line of nothing but CRs ended
     * by LF. State between reads: the current line's length (CRs apart) and CRs.
     */
    private static final class BlankLineFinder implements ByteProcessor {
        private int length;
        private int crs;
        /** A complete line was seen (for a head: its status line). */
        private boolean lineSeen;

        @Override
        public boolean process(byte b) {
            if (b == '\n') {
                if (length == 0) {
                    return false;
                }
                length = 0;
                crs = 0;
                lineSeen = true;
            } else if (b == '\r') {
                crs++;
            } else {
                length++;
            }
            return true;
        }

        void reset() {
            length = 0;
            crs = 0;
            lineSeen = false;
        }
    }

    private void failHead(ByteBuf in, List<Object> out, Throwable cause) {
        state = State.BROKEN;
        resetScan();
        in.skipBytes(in.readableBytes());
        out.add(new Failure(cause, true));
    }

    private void failBody(ByteBuf in, List<Object> out, String message) {
        state = State.BROKEN;
        in.skipBytes(in.readableBytes());
        out.add(new Failure(new IllegalArgumentException(message), false));
    }

    // ---- bodies ----

    private void readFixed(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(Math.min(in.readableBytes(), MAX_PIECE), remaining);
        out.add(in.readRetainedSlice(n));
        remaining -= n;
        if (remaining == 0) {
            out.add(in.isReadable() && excessAfterResponse(in) ? End.NO_TRAILERS_THEN_EXCESS : End.NO_TRAILERS);
            state = State.HEAD;
        }
    }

    /** chunk-size [ BWS ";" chunk-ext ] CRLF (RFC 9112 section 7.1); extensions are checked, then ignored. */
    private void readChunkSize(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, Math.min(in.writerIndex(), start + MAX_CHUNK_LINE + 2), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > MAX_CHUNK_LINE) {
                failBody(in, out, "chunk size line longer than " + MAX_CHUNK_LINE + " bytes");
            }
            return;
        }
        int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        long size = 0;
        int i = start;
        for (; i < end; i++) {
            int d = hexValue(in.getByte(i));
            if (d < 0) {
                break;
            }
            if (size > (Long.MAX_VALUE >> 4)) {
                failBody(in, out, "chunk size too large");
                return;
            }
            size = size << 4 | d;
        }
        if (i == start) {
            failBody(in, out, "invalid chunk size line " + quote(in, start, end));
            return;
        }
        while (i < end && FieldReader.isOws(in.getByte(i))) {
            i++;
        }
        if (i < end && in.getByte(i) != ';' || !extensionsValid(in, i, end)) {
            failBody(in, out, "invalid chunk size line " + quote(in, start, end));
            return;
        }
        in.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    /** Chunk extensions may hold any visible byte, space or tab, but no other control byte (a smuggled CR). */
    private static boolean extensionsValid(ByteBuf in, int from, int end) {
        for (int i = from; i < end; i++) {
            int c = in.getByte(i) & 0xff;
            if (c < ' ' && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    private void readChunkData(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(Math.min(in.readableBytes(), MAX_PIECE), remaining);
        out.add(in.readRetainedSlice(n));
        remaining -= n;
        if (remaining == 0) {
            state = State.CHUNK_END;
        }
    }

    private void readChunkEnd(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 2) {
            return;
        }
        int i = in.readerIndex();
        if (in.getByte(i) != '\r' || in.getByte(i + 1) != '\n') {
            failBody(in, out, "chunk data not followed by CRLF");
            return;
        }
        in.skipBytes(2);
        state = State.CHUNK_SIZE;
    }

    private void readTrailers(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int blockEnd = findBlockEnd(in, start);
        if (blockEnd < 0 || blockContentEnd - start > maxHeadBytes) {
            if (blockEnd >= 0 || in.readableBytes() - 1 > maxHeadBytes) {
                resetScan();
                failBody(in, out, "the trailers exceed maxResponseHeaderBytes (" + maxHeadBytes + " bytes)");
            }
            return;
        }
        Headers trailers = null;
        if (blockContentEnd > start) {
            byte[] bytes = new byte[blockContentEnd - start];
            in.getBytes(start, bytes);
            try {
                trailers = parser.parseTrailers(bytes);
            } catch (IllegalArgumentException malformed) {
                failBody(in, out, "malformed trailers: " + malformed.getMessage());
                return;
            }
        }
        in.readerIndex(blockEnd);
        boolean excess = in.isReadable() && excessAfterResponse(in);
        out.add(trailers != null ? new End(trailers, excess) : excess ? End.NO_TRAILERS_THEN_EXCESS : End.NO_TRAILERS);
        state = State.HEAD;
    }

    private static String quote(ByteBuf in, int start, int end) {
        byte[] b = new byte[Math.min(end - start, 100)];
        in.getBytes(start, b);
        return Ascii.quote(b, 0, b.length) + (end - start > b.length ? "..." : "");
    }
}
