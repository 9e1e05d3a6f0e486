package dev.courier.http.internal;

/**
 * Names of the handlers in a connection's pipeline, in pipeline order:
 *
 * <pre>
 *   [proxy-tls] SslHandler to an https:// proxy itself       (https proxies)
 *   [proxy-codec] HttpClientCodec for the CONNECT             (tunnels through HTTP(S) proxies, until up)
 *   [proxy-encoder, proxy-decoder] SOCKS codecs               (SOCKS proxies, until the handshake is done)
 *   [proxy]    HttpConnectHandler | Socks5Handshake | Socks4aHandshake (removed once the tunnel is up)
 *   [tls]      SslHandler                                   (https routes)
 *   response-start ResponseStartHandler: marks the first response byte, before decoding (retry safety)
 *   codec      HttpClientCodec(maxInitialLine, maxHeaderSize = maxResponseHeaderBytes)
 *   h1         Http1Connection: runs one Http1Exchange at a time, watches the idle connection
 * </pre>
 *
 * Decompression is not a handler: {@code BodyStream} decodes as the consumer demands, so a slow
 * consumer also slows decompression.
 */
public final class PipelineNames {
    public static final String PROXY_TLS = "proxy-tls";
    public static final String PROXY_CODEC = "proxy-codec";
    public static final String PROXY_ENCODER = "proxy-encoder";
    public static final String PROXY_DECODER = "proxy-decoder";
    public static final String PROXY = "proxy";
    public static final String TLS = "tls";
    public static final String RESPONSE_START = "response-start";
    public static final String CODEC = "codec";
    public static final String H1 = "h1";

    private PipelineNames() {
    }
}
