package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.http.testing.Await;
import dev.courier.http.testing.BlockingCalls;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.NoBlockingCallsExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import reactor.blockhound.BlockingOperationError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * BlockHound watches every test JVM ({@link BlockingCalls}): code that blocks a Netty event loop is caught
 * and fails the test during which it ran ({@link NoBlockingCallsExtension}). These tests block on purpose,
 * check that it was seen, and then clear the record.
 */
class BlockHoundTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    @Test
    void sleepingInAChannelHandlerOfATestClientIsReported() throws Exception {
        assertThat(BlockingCalls.installed()).isTrue();
        TestServer server = courier.server();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) throws Exception {
                            Thread.sleep(1); // blocks the event loop
                            ctx.fireChannelActive();
                        }
                    })
                    .connect(server.address()).sync().channel();
            List<AssertionError> calls = new ArrayList<>();
            Await.until("BlockHound reported the sleep", () -> calls.addAll(BlockingCalls.drain()) || !calls.isEmpty());
            assertThat(calls).hasSize(1);
            assertThat(calls.get(0)).hasMessageContaining("java.lang.Thread.sleep").hasMessageContaining("on multiThreadIoEventLoopGroup");
            assertThat(calls.get(0).getStackTrace()).anyMatch(f -> f.getClassName().startsWith(BlockHoundTest.class.getName()));
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, SECONDS).sync();
        }
    }

    /**
     * Futures complete on the connection's event loop (DESIGN "Threads"): a continuation that blocks runs there
     * and is caught in the act. The server waits before answering so that the continuation is attached first.
     */
    @Test
    void aBlockingContinuationOfTheResponseFutureIsReported() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("hi").delayHeaders(java.time.Duration.ofMillis(500)));
        Transport t = courier.transport();
        CompletableFuture<Response> response = t.roundTrip(Request.newBuilder(server.uri("/")).build());
        CompletableFuture<Void> blocked = response.thenAccept(r -> {
            r.close();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThatThrownBy(() -> blocked.get(10, SECONDS)).hasCauseInstanceOf(BlockingOperationError.class);
        List<AssertionError> calls = BlockingCalls.drain();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).hasMessageContaining("java.lang.Thread.sleep").hasMessageContaining("on courier-");
    }

    @Test
    void aRecordedBlockingCallFailsTheTest() {
        assertThat(BlockingCalls.drain()).isEmpty();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            group.submit(() -> {
                Thread.sleep(1);
                return null;
            }).await(10, SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            group.shutdownGracefully(0, 1, SECONDS).syncUninterruptibly();
        }
        assertThatThrownBy(() -> new NoBlockingCallsExtension().afterEach(null))
                .isInstanceOf(AssertionError.class).hasMessageContaining("1 blocking call(s) on an event loop")
                .hasMessageContaining("java.lang.Thread.sleep");
    }
}
