package dev.courier.http.testing;

import dev.courier.http.internal.body.ContentCodings;

/**
 * Prints the Accept-Encoding Courier would send and whether it decodes br and zstd, for a test that runs it
 * in a child JVM whose class path lacks the optional codec libraries.
 */
public final class AcceptEncodingProbe {
    private AcceptEncodingProbe() {
    }

    public static void main(String[] args) {
        System.out.println("accept-encoding=" + ContentCodings.ACCEPT_ENCODING);
        System.out.println("br=" + ContentCodings.brotli() + " zstd=" + ContentCodings.zstd());
    }
}
