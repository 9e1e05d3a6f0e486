package dev.courier.http;

/** The socket I/O a Transport uses: native epoll or io_uring on Linux, or the JDK's NIO anywhere. */
public enum IoTransport {
    /** Epoll when its native library loads here, else NIO. */
    AUTO,
    /** The JDK's NIO selector, available everywhere. */
    NIO,
    /** Linux epoll (netty-transport-native-epoll); {@code Transport.Builder.build()} fails where it cannot load. */
    EPOLL,
    /** Linux io_uring; needs a recent kernel that permits it. */
    IO_URING
}
