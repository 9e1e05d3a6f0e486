package dev.courier.http.internal.dial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.ClientTrace;
import dev.courier.http.RequestException.Phase;
import dev.courier.http.testing.NettyLeakExtension;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RFC 8305 racing on real loopback sockets: a refused address falls through at once, a stalled one
 * (its listener's accept queue is full, so the kernel drops the SYN) loses to the next address after the
 * attempt delay, and the loser is closed.
 */
@ExtendWith(NettyLeakExtension.class)
class HappyEyeballsTest {
    private EventLoopGroup group;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable r : resources) {
            r.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void interleavesFamiliesStartingWithTheFirst() throws Exception {
        InetSocketAddress a6 = new InetSocketAddress(InetAddress.getByName("::1"), 1);
        InetSocketAddress b6 = new InetSocketAddress(InetAddress.getByName("::2"), 1);
        InetSocketAddress a4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1);
        InetSocketAddress b4 = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 1);
        assertThat(HappyEyeballs.interleave(List.of(a6, b6, a4, b4))).containsExactly(a6, a4, b6, b4);
        assertThat(HappyEyeballs.interleave(List.of(a4, b4, a6))).containsExactly(a4, a6, b4);
        assertThat(HappyEyeballs.interleave(List.of(a4, b4))).containsExactly(a4, b4);
    }

    @Test
    void aRefusedAddressFallsThroughToTheNextAtOnce() throws Exception {
        ServerSocket listening = listener("127.0.0.1", 50);
        InetSocketAddress refused = new InetSocketAddress("127.0.0.1", closedPort());
        InetSocketAddress good = (InetSocketAddress) listening.getLocalSocketAddress();
        List<String> events = new CopyOnWriteArrayList<>();
        // A delay far longer than the test: only the refusal can start the second attempt in time.
        Channel ch = race(List.of(refused, good), TimeUnit.SECONDS.toNanos(30), recording(events)).get(10, TimeUnit.SECONDS);
        assertThat(ch.remoteAddress()).isEqualTo(good);
        assertThat(events).containsExactly("start " + refused, "fail " + refused, "start " + good, "done " + good);
        ch.close().syncUninterruptibly();
    }

    @Test
    void aStalledAddressLosesToTheNextAfterTheDelayAndIsClosed() throws Exception {
        ServerSocket stalled = stalledListener("127.0.0.2");
        ServerSocket listening = listener("127.0.0.1", 50);
        InetSocketAddress slow = (InetSocketAddress) stalled.getLocalSocketAddress();
        InetSocketAddress good = (InetSocketAddress) listening.getLocalSocketAddress();
        List<String> events = new CopyOnWriteArrayList<>();
        Channel ch = race(List.of(slow, good), TimeUnit.MILLISECONDS.toNanos(100), recording(events)).get(10, TimeUnit.SECONDS);
        assertThat(ch.remoteAddress()).isEqualTo(good);
        assertThat(events).startsWith("start " + slow, "start " + good, "done " + good);
        // The loser was cancelled when the winner connected, not left to time out.
        assertThat(events).contains("fail " + slow);
        ch.close().syncUninterruptibly();
    }

    @Test
    void allAddressesFailingNamesEachOne() throws Exception {
        InetSocketAddress first = new InetSocketAddress("127.0.0.1", closedPort());
        InetSocketAddress second = new InetSocketAddress("127.0.0.1", closedPort());
        CompletableFuture<Channel> f = race(List.of(first, second), TimeUnit.MILLISECONDS.toNanos(100), null);
        Throwable error = f.handle((c, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(error).isInstanceOf(DialException.class);
        assertThat(((DialException) error).phase()).isEqualTo(Phase.CONNECT);
        assertThat(((DialException) error).isTimeout()).isFalse();
        assertThat(error.getMessage()).contains("cannot connect to target").contains("127.0.0.1:" + first.getPort() + ": ").contains("127.0.0.1:" + second.getPort() + ": ")
                .doesNotContain("/127.0.0.1");
    }

    @Test
    void anAttemptThatCannotMakeASocketFailsLikeARefusedOne() throws Exception {
        ServerSocket listening = listener("127.0.0.1", 50);
        InetSocketAddress noSocket = new InetSocketAddress("127.0.0.1", closedPort());
        InetSocketAddress good = (InetSocketAddress) listening.getLocalSocketAddress();
        Bootstrap b = bootstrap();
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Channel> result = new CompletableFuture<>();
        EventLoop loop = b.config().group().next();
        // As when the process is out of file descriptors: the next address is tried at once.
        loop.execute(() -> new HappyEyeballs(address -> {
            if (address.equals(noSocket)) {
                throw new io.netty.channel.ChannelException("newSocketStream(..) failed: Too many open files");
            }
            return b.connect(address);
        }, loop, List.of(noSocket, good), TimeUnit.SECONDS.toNanos(30), recording(events), "target", (ch, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(ch);
            }
        }).start());
        Channel ch = result.get(10, TimeUnit.SECONDS);
        assertThat(ch.remoteAddress()).isEqualTo(good);
        assertThat(events).containsExactly("start " + noSocket, "fail " + noSocket, "start " + good, "done " + good);
        ch.close().syncUninterruptibly();

        CompletableFuture<Channel> alone = new CompletableFuture<>();
        loop.execute(() -> new HappyEyeballs(address -> {
            throw new io.netty.channel.ChannelException("newSocketStream(..) failed: Too many open files");
        }, loop, List.of(noSocket), TimeUnit.SECONDS.toNanos(30), null, "target", (c, e) -> alone.completeExceptionally(e)).start());
        Throwable error = alone.handle((c, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(error).isInstanceOf(DialException.class)
                .hasMessage("cannot connect to target: 127.0.0.1:" + noSocket.getPort() + ": newSocketStream(..) failed: Too many open files");
    }

    private Bootstrap bootstrap() {
        return new Bootstrap().group(group.next()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // one shareable initializer serves every attempt of a race
                    }
                });
    }

    private CompletableFuture<Channel> race(List<InetSocketAddress> addresses, long delayNanos, ClientTrace trace) {
        Bootstrap b = bootstrap();
        EventLoop loop = b.config().group().next();
        CompletableFuture<Channel> result = new CompletableFuture<>();
        new HappyEyeballs(b::connect, loop, addresses, delayNanos, trace, "target", (ch, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(ch);
            }
        }).start();
        return result;
    }

    private static ClientTrace recording(List<String> events) {
        return new ClientTrace() {
            @Override
            public void connectStart(InetSocketAddress address) {
                events.add("start " + address);
            }

            @Override
            public void connectDone(InetSocketAddress address, Throwable error) {
                events.add((error == null ? "done " : "fail ") + address);
            }
        };
    }

    private ServerSocket listener(String host, int backlog) throws Exception {
        ServerSocket s = new ServerSocket(0, backlog, InetAddress.getByName(host));
        resources.add(s);
        return s;
    }

    /** A listener whose accept queue is full: further SYNs are dropped, so a connect neither succeeds nor fails. */
    private ServerSocket stalledListener(String host) throws Exception {
        ServerSocket s = listener(host, 1);
        for (int i = 0; i < 8; i++) {
            Socket filler = new Socket();
            resources.add(filler);
            try {
                filler.connect(s.getLocalSocketAddress(), 300);
            } catch (java.net.SocketTimeoutException full) {
                return s; // this SYN was dropped: the queue is full
            }
        }
        throw new AssertionError("could not fill the accept queue of " + s);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
