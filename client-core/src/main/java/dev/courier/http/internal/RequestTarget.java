package dev.courier.http.internal;

import java.net.URI;

/** The request target both protocols send: HTTP/1.1's origin form and HTTP/2's :path. */
public final class RequestTarget {
    private RequestTarget() {
    }

    /** Path and query (RFC 9112 section 3.2.1, RFC 9113 section 8.3.1), "/" for an empty path, never the fragment. */
    public static String originForm(URI uri) {
        String path = uri.getRawPath();
        String query = uri.getRawQuery();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        return query == null ? path : path + "?" + query;
    }
}
