package dev.courier.http.internal.body;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * Lays out a {@code multipart/form-data} body (RFC 7578, framing of RFC 2046 section 5.1.1) as a sequence
 * of pieces: each part's delimiter and header fields in memory, its content from memory, a file (read when
 * sent, {@link FilePublisher}) or a caller's publisher, and the close delimiter. The bytes are Go's
 * {@code mime/multipart.Writer}'s: {@code --B\r\n} before the first part, {@code \r\n--B\r\n} between parts,
 * {@code \r\n--B--\r\n} at the end (even after no part).
 *
 * <p>Names and file names in Content-Disposition are quoted with {@code "}, {@code \}, CR and LF
 * percent-encoded ({@code %22 %5C %0D %0A}): the rule of the WHATWG HTML standard's multipart/form-data
 * encoding (which browsers follow for {@code "}, CR and LF, RFC 7578 section 4.2), extended to the
 * backslash, which browsers send raw although a parser of RFC 9110 quoted-strings (werkzeug's, say) reads
 * it as an escape. Other characters go as UTF-8 (RFC 7578 section 5.1.3).
 */
public final class MultipartEncoding {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int BOUNDARY_TRIES = 8;

    /** The parts in order, whatever their source; {@link #finish} turns them into sources of bytes. */
    private final List<PartSpec> parts = new ArrayList<>();

    /** One part: its header fields and where its content comes from (exactly one of bytes, file, publishers). */
    private record PartSpec(String name, String filename, String contentType, byte[] bytes, Path file,
                            Supplier<Flow.Publisher<ByteBuffer>> publishers, long length) {
    }

    /** The laid-out body: its sources, total length (-1 when a part's is unknown), and boundary. */
    public record Layout(String boundary, List<Supplier<Flow.Publisher<ByteBuffer>>> sources, long length) {
    }

    /** Adds a part whose content is in memory. */
    public void addBytes(String name, String filename, String contentType, byte[] content) {
        parts.add(new PartSpec(name, filename, contentType, content, null, null, content.length));
    }

    /** Adds a part whose content is the first {@code length} bytes of {@code file}, read when the body is sent. */
    public void addFile(String name, String filename, String contentType, Path file, long length) {
        parts.add(new PartSpec(name, filename, contentType, null, file, null, length));
    }

    /** Adds a part whose content comes from a fresh publisher of {@code publishers} each time; -1 for an unknown length. */
    public void addPublisher(String name, String filename, String contentType, Supplier<Flow.Publisher<ByteBuffer>> publishers,
                             long length) {
        parts.add(new PartSpec(name, filename, contentType, null, null, publishers, length));
    }

    /**
     * Lays the parts out with {@code boundary}, or a random one (Go's: 30 random bytes in hex) when null.
     * The boundary's delimiter ({@code --boundary}) must not occur in any content held in memory: a random
     * boundary found there is drawn again; a caller's is refused. Files and publishers cannot be searched;
     * a random boundary of 240 bits will not be in them.
     *
     * @throws IllegalArgumentException if the caller's boundary is not RFC 2046's or occurs in a part
     */
    public Layout finish(String boundary) {
        if (boundary != null) {
            checkBoundary(boundary);
            if (occursInMemory(boundary)) {
                throw new IllegalArgumentException("multipart boundary " + boundary + " occurs in the content of a part");
            }
            return layout(boundary);
        }
        for (int i = 0; i < BOUNDARY_TRIES; i++) {
            String random = randomBoundary();
            if (!occursInMemory(random)) {
                return layout(random);
            }
        }
        throw new IllegalStateException("no random multipart boundary stayed out of the parts' content in "
                + BOUNDARY_TRIES + " tries");
    }

    private Layout layout(String boundary) {
        List<Supplier<Flow.Publisher<ByteBuffer>>> sources = new ArrayList<>();
        ByteArrayOutputStream pending = new ByteArrayOutputStream(); // in-memory bytes not yet made a source
        long length = 0;
        boolean first = true;
        for (PartSpec p : parts) {
            pending.writeBytes(ascii(first ? "--" : "\r\n--"));
            pending.writeBytes(ascii(boundary));
            pending.writeBytes(ascii("\r\n"));
            pending.writeBytes(header(p));
            first = false;
            if (p.bytes() != null) {
                pending.writeBytes(p.bytes());
                continue;
            }
            length = flush(pending, sources, length);
            if (p.file() != null && p.length() == 0) {
                continue; // an empty file needs no reader
            }
            if (p.file() != null) {
                Path file = p.file();
                long size = p.length();
                sources.add(() -> new FilePublisher(file, size));
            } else {
                sources.add(p.publishers());
            }
            length = length < 0 || p.length() < 0 ? -1 : length + p.length();
        }
        pending.writeBytes(ascii("\r\n--")); // also with no part at all, as Go's Writer.Close
        pending.writeBytes(ascii(boundary));
        pending.writeBytes(ascii("--\r\n"));
        length = flush(pending, sources, length);
        return new Layout(boundary, sources, length);
    }

    /** Makes the pending in-memory bytes one source; returns the length so far. */
    private static long flush(ByteArrayOutputStream pending, List<Supplier<Flow.Publisher<ByteBuffer>>> sources, long length) {
        if (pending.size() == 0) {
            return length;
        }
        byte[] bytes = pending.toByteArray();
        pending.reset();
        BytesRequestBody body = new BytesRequestBody(bytes, 0, bytes.length);
        sources.add(body::publisher);
        return length < 0 ? -1 : length + bytes.length;
    }

    /** The part's header fields and the blank line: Content-Disposition, then Content-Type if any (Go's order). */
    private static byte[] header(PartSpec p) {
        StringBuilder sb = new StringBuilder("Content-Disposition: form-data; name=\"").append(escape(p.name())).append('"');
        if (p.filename() != null) {
            sb.append("; filename=\"").append(escape(p.filename())).append('"');
        }
        sb.append("\r\n");
        if (p.contentType() != null) {
            sb.append("Content-Type: ").append(p.contentType()).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A name or file name for a quoted Content-Disposition parameter: see the class comment. */
    public static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = c == '"' ? "%22" : c == '\\' ? "%5C" : c == '\r' ? "%0D" : c == '\n' ? "%0A" : null;
            if (replacement != null && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (replacement != null) {
                    sb.append(replacement);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Checks a caller's boundary against RFC 2046 section 5.1.1 (1 to 70 bchars, not ending in space), as Go's SetBoundary. */
    static void checkBoundary(String boundary) {
        if (boundary.isEmpty() || boundary.length() > 70) {
            throw new IllegalArgumentException("multipart boundary must be 1 to 70 characters (RFC 2046 section 5.1.1), not "
                    + boundary.length());
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "'()+_,-./:=?".indexOf(c) >= 0
                    || c == ' ' && i != boundary.length() - 1;
            if (!ok) {
                throw new IllegalArgumentException("multipart boundary has a character RFC 2046 section 5.1.1 does not allow at index "
                        + i + ": '" + c + "'");
            }
        }
    }

    /** The Content-Type of a form with this boundary, quoted when it holds a tspecial or space (Go's FormDataContentType). */
    public static String contentType(String boundary) {
        boolean quote = false;
        for (int i = 0; i < boundary.length(); i++) {
            quote |= "()<>@,;:\\\"/[]?= ".indexOf(boundary.charAt(i)) >= 0;
        }
        return "multipart/form-data; boundary=" + (quote ? "\"" + boundary + "\"" : boundary);
    }

    private boolean occursInMemory(String boundary) {
        byte[] delimiter = ascii("--" + boundary);
        for (PartSpec p : parts) {
            if (indexOf(p.bytes(), delimiter) >= 0 || indexOf(header(p), delimiter) >= 0) {
                return true;
            }
        }
        return false;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return -1;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String randomBoundary() {
        byte[] b = new byte[30];
        Random.GENERATOR.nextBytes(b);
        char[] out = new char[60];
        for (int i = 0; i < b.length; i++) {
            out[2 * i] = HEX[(b[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[b[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * A DRBG (NIST SP 800-90A), seeded once from the OS when first used: later draws are computation only
     * (its reseed interval is 2^48 draws), so a body built on an event loop never reads /dev/urandom there,
     * as a NativePRNG would on every draw.
     */
    private static final class Random {
        static final SecureRandom GENERATOR = drbg();

        private static SecureRandom drbg() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (java.security.NoSuchAlgorithmException e) {
                return new SecureRandom();
            }
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
