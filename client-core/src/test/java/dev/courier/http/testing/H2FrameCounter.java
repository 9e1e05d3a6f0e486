package dev.courier.http.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.logging.LogLevel;

/**
 * Counts the frames of one {@link H2TestServer} connection as they cross the wire, for the server's statistics.
 *
 * <p>Netty's frame logger sees every frame read, before the connection's state machine may drop it (a RST_STREAM or
 * WINDOW_UPDATE for a stream already closed still counts), and every DATA frame at the moment the flow controller
 * hands it to the channel. Nothing is logged; no buffer is touched.
 */
final class H2FrameCounter extends Http2FrameLogger {

    private final H2TestServer server;
    private final int connectionIndex;

    H2FrameCounter(H2TestServer server, int connectionIndex) {
        super(LogLevel.TRACE);
        this.server = server;
        this.connectionIndex = connectionIndex;
    }

    @Override
    public boolean isEnabled() {
        return true;
    }

    @Override
    public void logData(Direction direction, ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
            boolean endStream) {
        if (direction == Direction.OUTBOUND) {
            server.addBodyBytesWritten(data.readableBytes());
        } else {
            server.addRequestBodyBytesReceived(data.readableBytes());
        }
    }

    @Override
    public void logRstStream(Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
        if (direction == Direction.INBOUND) {
            server.resetReceived(new H2TestServer.Reset(connectionIndex, streamId, errorCode));
        }
    }

    @Override
    public void logPing(Direction direction, ChannelHandlerContext ctx, long data) {
        if (direction == Direction.INBOUND) {
            server.pingReceived();
        }
    }

    @Override
    public void logWindowsUpdate(Direction direction, ChannelHandlerContext ctx, int streamId,
            int windowSizeIncrement) {
        if (direction == Direction.INBOUND) {
            server.windowUpdateReceived(new H2TestServer.WindowUpdate(connectionIndex, streamId,
                    windowSizeIncrement));
        }
    }

    @Override
    public void logGoAway(Direction direction, ChannelHandlerContext ctx, int lastStreamId, long errorCode,
            ByteBuf debugData) {
        if (direction == Direction.INBOUND) {
            server.goAwayReceived(new H2TestServer.GoAway(connectionIndex, lastStreamId, errorCode,
                    debugData.toString(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    @Override
    public void logSettings(Direction direction, ChannelHandlerContext ctx, Http2Settings settings) {
        if (direction == Direction.INBOUND) {
            server.settingsReceived(connectionIndex, settings);
        }
    }

    // The rest are not counted; overridden so that nothing is formatted or logged.

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
            int padding, boolean endStream) {
    }

    @Override
    public void logHeaders(Direction direction, ChannelHandlerContext ctx, int streamId, Http2Headers headers,
            int streamDependency, short weight, boolean exclusive, int padding, boolean endStream) {
    }

    @Override
    public void logPriority(Direction direction, ChannelHandlerContext ctx, int streamId, int streamDependency,
            short weight, boolean exclusive) {
    }

    @Override
    public void logSettingsAck(Direction direction, ChannelHandlerContext ctx) {
    }

    @Override
    public void logPingAck(Direction direction, ChannelHandlerContext ctx, long data) {
    }

    @Override
    public void logPushPromise(Direction direction, ChannelHandlerContext ctx, int streamId, int promisedStreamId,
            Http2Headers headers, int padding) {
    }

    @Override
    public void logUnknownFrame(Direction direction, ChannelHandlerContext ctx, byte frameType, int streamId,
            Http2Flags flags, ByteBuf data) {
    }
}
