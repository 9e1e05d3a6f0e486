package dev.courier.http.internal.h1;

import dev.courier.http.UpgradedConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** The caller's handle on a connection after "101 Switching Protocols": raw writes and close. */
final class Upgraded implements UpgradedConnection {
    private final Channel channel;

    Upgraded(Channel channel) {
        this.channel = channel;
    }

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        channel.writeAndFlush(Unpooled.wrappedBuffer(copy)).addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(new java.io.IOException("writing to the upgraded connection failed: "
                        + f.cause(), f.cause()));
            }
        });
        return done;
    }

    @Override
    public void close() {
        channel.close();
    }
}
