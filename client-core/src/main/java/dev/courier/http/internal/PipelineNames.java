package dev.courier.http.internal;

/**
 * Names of the handlers in a connection's pipeline, in pipeline order:
 *
 * <pre>
 *   [proxy]    Socks5ProxyHandler | HttpProxyHandler        (proxy routes; proxy issue)
 *   [tls]      SslHandler                                   (https routes)
 *   codec      Http1ResponseDecoder: response heads (at most maxResponseHeaderBytes), body slices, ends;
 *              marks the first response byte before decoding (retry safety)
 *   h1         Http1Connection: runs one Http1Exchange at a time, watches the idle connection
 * </pre>
 *
 * Decompression is not a handler: {@code BodyStream} decodes as the consumer demands, so a slow
 * consumer also slows decompression.
 */
public final class PipelineNames {
    public static final String PROXY = "proxy";
    public static final String TLS = "tls";
    public static final String CODEC = "codec";
    public static final String H1 = "h1";

    private PipelineNames() {
    }
}
