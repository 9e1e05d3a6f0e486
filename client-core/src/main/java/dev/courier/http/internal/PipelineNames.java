package dev.courier.http.internal;

/**
 * Names of the handlers in a connection's pipeline, in pipeline order:
 *
 * <pre>
 *   [proxy]    Socks5ProxyHandler | HttpProxyHandler        (proxy routes; proxy issue)
 *   [plaintext-reply] PlaintextReplyDetector: spots "HTTP/" answering the ClientHello, then leaves (https routes)
 *   [proxy-tls] SslHandler to an https:// proxy itself       (https proxies)
 *   [proxy-codec] HttpClientCodec for the CONNECT             (tunnels through HTTP(S) proxies, until up)
 *   [proxy-encoder, proxy-decoder] SOCKS codecs               (SOCKS proxies, until the handshake is done)
 *   [proxy]    HttpConnectHandler | Socks5Handshake | Socks4aHandshake (removed once the tunnel is up)
 *   [tls]      SslHandler                                   (https routes)
 *   [handshake-errors] HandshakeErrorSink: quiets the SslHandler's errors, which the handshake future
 *              reports; removed when the handshake succeeds (https routes)
 *   codec      Http1ResponseDecoder: response heads (at most maxResponseHeaderBytes), body slices, ends;
 *              marks the first response byte before decoding (retry safety)
 *   h1         Http1Connection: runs one exchange at a time (Http1Exchange), watches the idle connection
 * </pre>
 *
 * or, when ALPN chose "h2" (or the Transport speaks h2c with prior knowledge):
 *
 * <pre>
 *   [h2-idle]  IdleStateHandler: read-idle events that trigger the PING health check
 *   h2-codec   Http2FrameCodec (SETTINGS_MAX_HEADER_LIST_SIZE = maxResponseHeaderBytes, push off)
 *   h2-mux     Http2MultiplexHandler: one child channel per stream, each with its Http2Stream
 *   h2         Http2Connection: SETTINGS to pool capacity, GOAWAY, PING
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
    public static final String PLAINTEXT_REPLY = "plaintext-reply";
    public static final String TLS = "tls";
    public static final String HANDSHAKE_ERRORS = "handshake-errors";
    public static final String CODEC = "codec";
    public static final String H1 = "h1";
    public static final String H2_IDLE = "h2-idle";
    public static final String H2_CODEC = "h2-codec";
    public static final String H2_MUX = "h2-mux";
    public static final String H2 = "h2";

    private PipelineNames() {
    }
}
