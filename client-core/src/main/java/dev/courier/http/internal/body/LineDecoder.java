package dev.courier.http.internal.body;

import dev.courier.http.BodyLimitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;

/**
 * Splits decoded text into lines as {@link java.io.BufferedReader#readLine()} does, which is also the
 * rule of a {@code text/event-stream} (WHATWG HTML 9.2.5): a line ends at LF, CR, or CR LF, and a CR at
 * the end of one buffer pairs with an LF at the start of the next. Malformed input is replaced with
 * U+FFFD, as {@code new String(bytes, charset)} does; a character split across buffers is kept until its
 * last byte arrives. Not thread-safe: one per body, fed in order.
 */
public final class LineDecoder {
    /** Where lines go; it may refuse one (an event grown too large) with an exception. */
    public interface LineSink {
        /**
         * One line, without its terminator.
         *
         * @param line the line
         * @throws IOException to stop the body
         */
        void line(String line) throws IOException;
    }

    private final CharsetDecoder decoder;
    private final int maxLineLength;
    private final boolean finalLine;
    private final boolean stripBom;
    private final BodyLimitException.Limit limit;
    private final StringBuilder line = new StringBuilder();
    /** Bytes of a character whose end has not arrived yet (at most a few). */
    private ByteBuffer carry = ByteBuffer.allocate(0);
    private CharBuffer chars = CharBuffer.allocate(256);
    private boolean afterCr;
    private boolean started;

    /**
     * @param charset       how the bytes are decoded
     * @param maxLineLength the most chars a line may have; a longer one fails with {@link BodyLimitException}
     * @param finalLine     whether text after the last terminator is a line at the end (BufferedReader: yes;
     *                      an event stream: no, an incomplete line is discarded)
     * @param stripBom      whether one U+FEFF at the very start is dropped (an event stream's rule)
     * @param limit         the limit named when a line is too long
     */
    public LineDecoder(Charset charset, int maxLineLength, boolean finalLine, boolean stripBom, BodyLimitException.Limit limit) {
        this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        this.maxLineLength = maxLineLength;
        this.finalLine = finalLine;
        this.stripBom = stripBom;
        this.limit = limit;
    }

    /** Decodes {@code bytes} (consumed whole) and passes every line it completes to {@code sink}. */
    public void feed(ByteBuffer bytes, LineSink sink) throws IOException {
        ByteBuffer in = bytes;
        if (carry.hasRemaining()) {
            in = ByteBuffer.allocate(carry.remaining() + bytes.remaining()).put(carry).put(bytes).flip();
        }
        decode(in, false, sink);
        carry = in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : ByteBuffer.allocate(0);
    }

    /** The input ended: decodes what is left and, if asked for, passes the unterminated last line. */
    public void end(LineSink sink) throws IOException {
        decode(carry, true, sink);
        chars.clear();
        decoder.flush(chars);
        chars.flip();
        scan(sink);
        if (finalLine && line.length() > 0) {
            String last = line.toString();
            line.setLength(0);
            sink.line(last);
        }
    }

    private void decode(ByteBuffer in, boolean endOfInput, LineSink sink) throws IOException {
        int need = (int) Math.min(Integer.MAX_VALUE - 8, (long) (in.remaining() * (double) decoder.maxCharsPerByte()) + 4);
        if (chars.capacity() < need) {
            chars = CharBuffer.allocate(Math.min(need, 64 * 1024)); // decoded in rounds of at most 64 Ki chars
        }
        for (;;) {
            chars.clear();
            decoder.decode(in, chars, endOfInput);
            chars.flip();
            if (!chars.hasRemaining()) {
                return;
            }
            scan(sink);
        }
    }

    private void scan(LineSink sink) throws IOException {
        while (chars.hasRemaining()) {
            char c = chars.get();
            if (!started) {
                started = true;
                if (stripBom && c == '\uFEFF') {
                    continue;
                }
            }
            if (afterCr) {
                afterCr = false;
                if (c == '\n') {
                    continue; // the LF of a CR LF
                }
            }
            if (c == '\r' || c == '\n') {
                afterCr = c == '\r';
                String done = line.toString();
                line.setLength(0);
                sink.line(done);
            } else {
                if (line.length() == maxLineLength) {
                    throw new BodyLimitException(limit, maxLineLength, "a line of the body is longer than " + maxLineLength + " chars");
                }
                line.append(c);
            }
        }
    }
}
