/**
 * Courier: an asynchronous HTTP/1.1 and HTTP/2 client on Netty, modelled on Go's {@code net/http}
 * {@code Client} and {@code Transport}.
 *
 * <p>The whole API is the package {@link dev.courier.http}; everything under
 * {@code dev.courier.http.internal} is implementation and is not exported, except the TLS engine's service
 * interface, which only {@code dev.courier.http.tls} (the {@code client-tls} artifact) may read. No Netty
 * type appears in the API, so a module that requires this one needs no Netty module of its own.
 *
 * <p>On the module path, {@code client-tls} is found through {@code uses}/{@code provides} (service binding
 * resolves it as soon as its jar is on the module path); the native libraries of Netty's epoll, io_uring
 * and BoringSSL come in platform jars that no module requires, so add them with
 * {@code --add-modules io.netty.transport.epoll.linux.x86_64,io.netty.internal.tcnative.openssl.linux.x86_64}
 * (or the names for your platform); without them Courier runs on NIO and the JDK's TLS engine.
 */
@SuppressWarnings("module") // the qualified export names client-tls, which is not built yet
module dev.courier.http {
    exports dev.courier.http;
    // The ServiceLoader interface client-tls implements (TlsEngineProvider); not API.
    exports dev.courier.http.internal.tls to dev.courier.http.tls;

    uses dev.courier.http.internal.tls.TlsEngineProvider;

    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.compression;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    requires io.netty.codec.socks;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.resolver;
    requires io.netty.resolver.dns;
    requires io.netty.transport;
    // IoTransports names the epoll and io_uring classes directly; both artifacts are ordinary (not optional)
    // dependencies of client-core, and whether their native library loads is checked at run time.
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.classes.io_uring;
}
