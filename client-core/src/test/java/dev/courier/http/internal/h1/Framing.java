package dev.courier.http.internal.h1;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The responses one decoder framed out of a byte stream (status, body bytes, whether the body ended, whether
 * a failure stopped it), in a form two decoders can be compared in: {@link CourierFraming} and
 * {@link NettyFraming} produce it, {@link #assertSameAs} and {@link #assertAgreesWithNetty} compare.
 */
final class Framing {
    /** One response head and what followed it. */
    static final class Message {
        final int status;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        /** The decoder said the message is whole: its body ended (an interim head is whole at once). */
        boolean ended;
        /** A 101: what follows is another protocol's bytes, not HTTP/1.1. */
        final boolean upgraded;
        /** Netty only: the values of Transfer-Encoding, comma-joined, or null; and whether it was HTTP/1.0. */
        String transferEncoding;
        boolean http10;

        Message(int status) {
            this.status = status;
            this.upgraded = status == 101;
        }

        @Override
        public String toString() {
            return status + (ended ? " ended" : " open") + " body " + escape(body.toByteArray());
        }
    }

    final List<Message> messages = new ArrayList<>();
    /** How the decoder gave up (the failure's type and where), or null; nothing is framed after it. */
    String failure;
    /** The failure's message, for the report only (whole and split reads may word it differently). */
    String failureDetail;
    /** Bytes passed on raw after a 101. */
    final ByteArrayOutputStream afterUpgrade = new ByteArrayOutputStream();

    Message current() {
        return messages.isEmpty() ? null : messages.get(messages.size() - 1);
    }

    void append(byte[] bytes) {
        Message m = current();
        if (m != null && m.upgraded) {
            afterUpgrade.writeBytes(bytes);
        } else {
            m.body.writeBytes(bytes);
        }
    }

    /** The same framing, as a decoder must produce whatever the reads are. */
    void assertSameAs(Framing other, String what) {
        if (!toString().equals(other.toString())) {
            throw new AssertionError(what + ":\n  " + this + "\nvs\n  " + other);
        }
    }

    /**
     * Courier ({@code this}) and Netty agree on each response that both decoded to its end, until the first
     * one that either did not accept (failed, or still open when the connection closed), or that Courier
     * frames differently on purpose (see {@link #deliberateDifference}); after a 101 nothing is compared.
     */
    void assertAgreesWithNetty(Framing netty, Object input) {
        int n = Math.min(messages.size(), netty.messages.size());
        for (int i = 0; i < n; i++) {
            Message c = messages.get(i);
            Message x = netty.messages.get(i);
            if (!c.ended || !x.ended) {
                return;
            }
            String why = deliberateDifference(x);
            if (why != null) {
                return;
            }
            if (c.status != x.status || !Arrays.equals(c.body.toByteArray(), x.body.toByteArray())) {
                throw new AssertionError("Courier and Netty frame response " + (i + 1) + " differently\n  Courier: "
                        + this + "\n  Netty:   " + netty + "\n  input: " + input);
            }
            if (c.upgraded) {
                return;
            }
        }
    }

    /**
     * Where Courier frames a body differently from Netty on purpose, given what Netty parsed (null if not):
     * <ul>
     *   <li>Transfer-Encoding that is not a lone "chunked": Courier reads until the connection closes (RFC
     *       9112 section 6.3 item 4, Go; and refuses "chunked" that is repeated or not last), while Netty
     *       takes any "chunked" element as chunked and otherwise uses Content-Length.
     *   <li>Transfer-Encoding on an HTTP/1.0 response: Courier ignores it as Go does (Go issue 12785).
     * </ul>
     */
    static String deliberateDifference(Message netty) {
        String te = netty.transferEncoding;
        if (te == null) {
            return null;
        }
        if (netty.http10) {
            return "Transfer-Encoding on HTTP/1.0";
        }
        if (!te.trim().toLowerCase(Locale.ROOT).equals("chunked")) {
            return "Transfer-Encoding other than a lone chunked";
        }
        return null;
    }

    @Override
    public String toString() {
        return messages + (failure != null ? " failed (" + failure + ")" : "")
                + (afterUpgrade.size() > 0 ? " then raw " + escape(afterUpgrade.toByteArray()) : "");
    }

    /** Bytes as text, control and non-ASCII bytes escaped, cut after 400. */
    static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(b.length, 400); i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else if (c == '"' || c == '\\') {
                sb.append('\\').append((char) c);
            } else {
                sb.append((char) c);
            }
        }
        return sb.append(b.length > 400 ? "\"..." : "\"").toString();
    }
}
