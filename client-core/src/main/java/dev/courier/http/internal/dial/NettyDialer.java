package dev.courier.http.internal.dial;

import dev.courier.http.ClientTrace;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.RouteKey;
import dev.courier.http.internal.ConnectionEvents;
import dev.courier.http.internal.pool.Dialer;
import dev.courier.http.internal.pool.PoolRequest;
import dev.courier.http.internal.pool.PooledConnection;
import dev.courier.http.internal.proxy.ProxyEndpoint;
import dev.courier.http.internal.proxy.ProxySetup;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.ThreadExecutorMap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Opens connections: asynchronous DNS (Netty's resolver, which reads /etc/hosts and resolv.conf's
 * search list and ndots as the OS does, and caches answers by TTL), then TCP with Happy Eyeballs over
 * the resolved addresses, then the protocol setup that {@link ConnectionSetup} installs. On a proxied
 * route the name resolved and the addresses raced are the proxy's (the origin's name goes to the proxy),
 * and a failure to reach the proxy is a {@link Phase#PROXY} failure naming it.
 */
public final class NettyDialer implements Dialer {

    /** Installs the pipeline on a connected channel and reports the protocol handler, possibly later (TLS). */
    public interface ConnectionSetup {
        void setup(Channel channel, RouteKey route, ClientTrace trace, BiConsumer<Object, Throwable> ready);
    }

    private final EventLoopGroup group;
    private final IoTransports io;
    private final AddressResolverGroup<InetSocketAddress> resolvers;
    private final int connectTimeoutMillis;
    private final long attemptDelayNanos;
    private final boolean tcpKeepAlive;
    private final ConnectionSetup setup;
    private final LongSupplier clock;
    private final ConnectionEvents events;

    /**
     * The last IP literal dialed, with its socket address: most dials go where the previous one went, and a
     * literal needs no resolver, only parsing, which this skips too (issue 13: a connection per request).
     */
    private volatile Literal lastLiteral;

    private record Literal(String host, int port, List<InetSocketAddress> addresses) {
    }

    public NettyDialer(EventLoopGroup group, IoTransports io, AddressResolverGroup<InetSocketAddress> resolvers,
                       int connectTimeoutMillis, long attemptDelayNanos, boolean tcpKeepAlive, ConnectionSetup setup,
                       LongSupplier clock, ConnectionEvents events) {
        this.group = group;
        this.io = io;
        this.resolvers = resolvers;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.attemptDelayNanos = attemptDelayNanos;
        this.tcpKeepAlive = tcpKeepAlive;
        this.setup = setup;
        this.clock = clock;
        this.events = events;
    }

    @Override
    public void dial(RouteKey route, PoolRequest requester, BiConsumer<PooledConnection, Throwable> done) {
        Object request = requester.dialedFor();
        dial(route, requester.dialTrace(), request, (connection, error) -> {
            if (error != null && ProxySetup.challengedWithCredentials(route, error)) {
                // A 407 to CONNECT although credentials exist: answer the challenge once on a fresh
                // connection (the proxy may have closed this one); a second 407 fails the dial.
                dial(route, requester.dialTrace(), request, done);
                return;
            }
            done.accept(connection, error);
        });
    }

    private void dial(RouteKey route, ClientTrace trace, Object request, BiConsumer<PooledConnection, Throwable> dialed) {
        String id = ConnectionEvents.newId();
        long start = clock.getAsLong();
        ConnectionEvents.dialStarted(id, request, route);
        BiConsumer<PooledConnection, Throwable> done = (connection, error) -> {
            if (error != null) {
                ConnectionEvents.dialFailed(id, request, route, error);
            } else {
                events.opened(connection);
            }
            dialed.accept(connection, error);
        };
        EventLoop loop = loopForDial();
        ProxyEndpoint proxy = route.proxy() == null ? null : ProxyEndpoint.of(route.proxy());
        String host = proxy == null ? route.host() : proxy.host();
        int port = proxy == null ? route.port() : proxy.port();
        Literal last = lastLiteral;
        if (last != null && last.port == port && last.host.equals(host)) {
            connect(loop, route, proxy, last.addresses, trace, id, request, start, done);
            return;
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                Literal parsed = new Literal(host, port, List.of(new InetSocketAddress(InetAddress.getByAddress(literal), port)));
                lastLiteral = parsed;
                connect(loop, route, proxy, parsed.addresses, trace, id, request, start, done);
            } catch (java.net.UnknownHostException impossible) {
                done.accept(null, new DialException(Phase.DNS, "bad address " + host, impossible, false));
            }
            return;
        }
        if (trace != null) {
            trace.dnsStart(host);
        }
        if (isSpecialInvalidName(host)) {
            // RFC 6761 section 6.4: resolvers SHOULD answer names under .invalid negatively at once, without
            // a query (which would tell the network's DNS servers a name the caller meant to go nowhere).
            java.net.UnknownHostException e = new java.net.UnknownHostException(host + ": names under .invalid never "
                    + "resolve (RFC 6761 section 6.4); no query was sent");
            if (trace != null) {
                trace.dnsDone(List.of(), e);
            }
            done.accept(null, proxy == null ? new DialException(Phase.DNS, "cannot resolve " + e.getMessage(), e, false)
                    : new DialException(Phase.PROXY, "cannot resolve the host of proxy " + proxy + " (for "
                            + route.hostPort() + "): " + e.getMessage(), e, false));
            return;
        }
        resolvers.getResolver(loop).resolveAll(InetSocketAddress.createUnresolved(host, port))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        if (trace != null) {
                            trace.dnsDone(List.of(), f.cause());
                        }
                        done.accept(null, proxy == null
                                ? new DialException(Phase.DNS, "cannot resolve " + host + ": " + f.cause().getMessage(),
                                        f.cause(), false)
                                : new DialException(Phase.PROXY, "cannot resolve the host of proxy " + proxy + " (for "
                                        + route.hostPort() + "): " + f.cause().getMessage(), f.cause(), false));
                        return;
                    }
                    @SuppressWarnings("unchecked")
                    List<InetSocketAddress> addresses = (List<InetSocketAddress>) f.getNow();
                    if (trace != null) {
                        List<InetAddress> ips = new ArrayList<>(addresses.size());
                        addresses.forEach(a -> ips.add(a.getAddress()));
                        trace.dnsDone(ips, null);
                    }
                    connect(loop, route, proxy, addresses, trace, id, request, start, done);
                });
    }

    /**
     * The loop a new connection lives on: the calling thread's when it is one of ours, else the next in turn. A
     * request sent from a callback of the previous one (async code chaining calls, a load loop) starts on that
     * callback's loop; dialing there keeps the dial, the exchange on the new connection and its deadline on one
     * thread, where another loop would be woken for each of them (issue 13: close-c16, a connection per
     * request, handed half its dials to the other loop). Connections still spread over the loops as the
     * callers do: requests sent from other threads take the loops in turn.
     */
    private EventLoop loopForDial() {
        EventExecutor current = ThreadExecutorMap.currentExecutor();
        if (current instanceof EventLoop && current.parent() == group) {
            return (EventLoop) current;
        }
        return group.next();
    }

    /** Whether {@code host} is "invalid" or under it, as a fully qualified name or not. */
    static boolean isSpecialInvalidName(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return name.equalsIgnoreCase("invalid") || name.regionMatches(true, name.length() - 8, ".invalid", 0, 8);
    }

    private void connect(EventLoop loop, RouteKey route, ProxyEndpoint proxy, List<InetSocketAddress> addresses,
                         ClientTrace trace, String id, Object request, long start,
                         BiConsumer<PooledConnection, Throwable> done) {
        String target = proxy == null ? route.hostPort() : "proxy " + proxy + " (for " + route.hostPort() + ")";
        new HappyEyeballs(address -> open(loop, address), loop, addresses, attemptDelayNanos, trace, target, (channel, error) -> {
            if (error != null) {
                done.accept(null, proxy == null || !(error instanceof DialException) ? error
                        : new DialException(Phase.PROXY, error.getMessage(), error.getCause(), ((DialException) error).isTimeout()));
                return;
            }
            channel.attr(ConnectionEvents.ID).set(id);
            channel.attr(ConnectionEvents.DIALED_FOR).set(request);
            ConnectionEvents.connected(id, request, channel.remoteAddress(), clock.getAsLong() - start);
            setup.setup(channel, route, trace, (handler, setupError) -> {
                if (setupError != null) {
                    channel.close();
                    done.accept(null, setupError);
                } else {
                    done.accept(new PooledConnection(channel, route, handler, clock.getAsLong(), id), null);
                }
            });
        }).start();
    }

    /**
     * Opens a channel on {@code loop} connected to {@code address}, as {@code Bootstrap.connect} would, without
     * what a Bootstrap costs per connection (issue 13, close-c16): itself with its option map copied to an array,
     * a channel constructor found by reflection, a ChannelInitializer added and removed again, a resolver looked
     * up under a lock, and the connect run as a task of its own even when called on the loop. Netty's socket
     * channels enable TCP_NODELAY themselves where the platform allows it (everywhere but Android), so it is set
     * here only where they do not: setting it again was a system call per connection. A failed connect closes
     * the channel.
     */
    private ChannelFuture open(EventLoop loop, InetSocketAddress address) {
        Channel ch = io.newSocketChannel();
        ChannelConfig config = ch.config();
        config.setAutoRead(false);
        config.setAllocator(PooledByteBufAllocator.DEFAULT);
        config.setConnectTimeoutMillis(connectTimeoutMillis);
        if (!PlatformDependent.canEnableTcpNoDelayByDefault()) {
            config.setOption(ChannelOption.TCP_NODELAY, true);
        }
        if (tcpKeepAlive) {
            config.setOption(ChannelOption.SO_KEEPALIVE, true);
        }
        ChannelPromise connected = ch.newPromise();
        connected.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        loop.register(ch).addListener(registered -> {
            if (registered.isSuccess()) {
                ch.connect(address, connected);
            } else {
                if (ch.isRegistered()) {
                    ch.close();
                } else {
                    ch.unsafe().closeForcibly();
                }
                connected.tryFailure(registered.cause());
            }
        });
        return connected;
    }
}
