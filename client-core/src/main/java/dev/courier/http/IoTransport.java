package dev.courier.http;

/** The socket I/O a Transport uses: native epoll or io_uring on Linux, or the JDK's NIO anywhere. */
public enum IoTransport {
    /** Epoll when its native library loads here, else NIO. */
    AUTO,
    NIO,
    EPOLL,
    /** Linux io_uring; needs a recent kernel that permits it. */
    IO_URING
}
