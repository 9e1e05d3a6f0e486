package dev.courier.http.internal.dial;

import dev.courier.http.IoTransport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The I/O transport a Transport runs on: its event loops and the channel classes that go with them.
 * {@link IoTransport#AUTO} takes epoll when the native library loads and NIO otherwise; io_uring is
 * taken only when asked for, as kernels and sandboxes that forbid it are still common.
 */
public record IoTransports(IoTransport kind, IoHandlerFactory handlerFactory,
                           Class<? extends SocketChannel> socketChannel,
                           Class<? extends DatagramChannel> datagramChannel) {

    /** Resolves {@code wanted} to what this machine supports; an explicit native choice that cannot load fails here. */
    public static IoTransports select(IoTransport wanted) {
        switch (wanted) {
            case NIO:
                return nio();
            case EPOLL:
                if (!epollAvailable()) {
                    throw new IllegalStateException("ioTransport EPOLL is unavailable here: " + epollCause());
                }
                return epoll();
            case IO_URING:
                if (!ioUringAvailable()) {
                    throw new IllegalStateException("ioTransport IO_URING is unavailable here: " + ioUringCause());
                }
                return new IoTransports(IoTransport.IO_URING, IoUringIoHandler.newFactory(), IoUringSocketChannel.class,
                        IoUringDatagramChannel.class);
            case AUTO:
            default:
                return epollAvailable() ? epoll() : nio();
        }
    }

    private static IoTransports nio() {
        return new IoTransports(IoTransport.NIO, NioIoHandler.newFactory(), NioSocketChannel.class, NioDatagramChannel.class);
    }

    private static IoTransports epoll() {
        return new IoTransports(IoTransport.EPOLL, EpollIoHandler.newFactory(), EpollSocketChannel.class,
                EpollDatagramChannel.class);
    }

    /**
     * A new unconnected socket channel of this transport: a plain constructor call, where a Bootstrap's
     * factory finds the constructor by reflection for every connection.
     */
    public SocketChannel newSocketChannel() {
        switch (kind) {
            case EPOLL:
                return new EpollSocketChannel();
            case IO_URING:
                return new IoUringSocketChannel();
            default:
                return new NioSocketChannel();
        }
    }

    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("courier-" + kind.name().toLowerCase(java.util.Locale.ROOT), true),
                handlerFactory);
    }

    static boolean epollAvailable() {
        try {
            return Epoll.isAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }

    private static String epollCause() {
        try {
            return String.valueOf(Epoll.unavailabilityCause());
        } catch (LinkageError e) {
            return e.toString();
        }
    }

    /** Whether io_uring can be used on this machine. */
    public static boolean ioUringAvailable() {
        try {
            return IoUring.isAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }

    private static String ioUringCause() {
        try {
            return String.valueOf(IoUring.unavailabilityCause());
        } catch (LinkageError e) {
            return e.toString();
        }
    }
}
