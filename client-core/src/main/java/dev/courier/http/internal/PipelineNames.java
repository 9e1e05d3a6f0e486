package dev.courier.http.internal;

/**
 * Names of the handlers in a connection's pipeline, in pipeline order:
 *
 * <pre>
 *   [proxy]    Socks5ProxyHandler | HttpProxyHandler        (proxy routes; proxy issue)
 *   [plaintext-reply] PlaintextReplyDetector: spots "HTTP/" answering the ClientHello, then leaves (https routes)
 *   [tls]      SslHandler                                   (https routes)
 *   [handshake-errors] HandshakeErrorSink: quiets the SslHandler's errors, which the handshake future
 *              reports; removed when the handshake succeeds (https routes)
 *   response-start ResponseStartHandler: marks the first response byte, before decoding (retry safety)
 *   codec      HttpClientCodec(maxInitialLine, maxHeaderSize = maxResponseHeaderBytes)
 *   h1         Http1Connection: runs one Http1Exchange at a time, watches the idle connection
 * </pre>
 *
 * Decompression is not a handler: {@code BodyStream} decodes as the consumer demands, so a slow
 * consumer also slows decompression.
 */
public final class PipelineNames {
    public static final String PROXY = "proxy";
    public static final String PLAINTEXT_REPLY = "plaintext-reply";
    public static final String TLS = "tls";
    public static final String HANDSHAKE_ERRORS = "handshake-errors";
    public static final String RESPONSE_START = "response-start";
    public static final String CODEC = "codec";
    public static final String H1 = "h1";

    private PipelineNames() {
    }
}
