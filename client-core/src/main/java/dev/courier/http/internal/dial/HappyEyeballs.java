package dev.courier.http.internal.dial;

import dev.courier.http.ClientTrace;
import dev.courier.http.RequestException.Phase;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Connects to the first reachable of several addresses, racing them as RFC 8305 ("Happy Eyeballs v2")
 * describes: addresses interleaved by family, starting with the family the resolver listed first; a
 * new attempt starts when the previous one fails or after the connection-attempt delay, whichever is
 * first; the first connection to succeed wins and the others are closed.
 *
 * <p>Confined to one event loop: all attempts and timers run on {@code loop}.
 */
final class HappyEyeballs {
    private final Function<InetSocketAddress, ChannelFuture> connect;
    private final EventLoop loop;
    private final List<InetSocketAddress> addresses;
    private final long attemptDelayNanos;
    private final ClientTrace trace;
    private final String target;
    private final BiConsumer<Channel, Throwable> done;
    private final List<ChannelFuture> inFlight = new ArrayList<>(2);
    private final List<String> failures = new ArrayList<>(1);
    private int next;
    private boolean finished;
    private boolean allTimedOut = true;
    private ScheduledFuture<?> delayTimer;

    /**
     * {@code connect} opens a channel on {@code loop} connected to an address (failing its future, and closing
     * the channel, when it cannot); it may also throw, when no channel can be made at all.
     */
    HappyEyeballs(Function<InetSocketAddress, ChannelFuture> connect, EventLoop loop, List<InetSocketAddress> addresses,
                  long attemptDelayNanos, ClientTrace trace, String target, BiConsumer<Channel, Throwable> done) {
        this.connect = connect;
        this.loop = loop;
        this.addresses = interleave(addresses);
        this.attemptDelayNanos = attemptDelayNanos;
        this.trace = trace;
        this.target = target;
        this.done = done;
    }

    void start() {
        if (loop.inEventLoop()) {
            attemptNext();
        } else {
            loop.execute(this::attemptNext);
        }
    }

    private void attemptNext() {
        if (finished || next >= addresses.size()) {
            return;
        }
        InetSocketAddress address = addresses.get(next++);
        if (trace != null) {
            trace.connectStart(address);
        }
        ChannelFuture f;
        try {
            f = connect.apply(address);
        } catch (RuntimeException e) { // no socket could be made (out of file descriptors): a failed attempt
            if (trace != null) {
                trace.connectDone(address, e);
            }
            attemptFailed(address, e);
            return;
        }
        inFlight.add(f);
        f.addListener(x -> attemptDone(f, address));
        if (next < addresses.size()) {
            delayTimer = loop.schedule(this::attemptNext, attemptDelayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void attemptDone(ChannelFuture f, InetSocketAddress address) {
        inFlight.remove(f);
        if (trace != null) {
            trace.connectDone(address, f.cause());
        }
        if (f.isSuccess()) {
            if (finished) {
                f.channel().close();
                return;
            }
            finished = true;
            cancelDelay();
            // Copy first: cancelling a connect runs its listener at once, which edits inFlight.
            List<ChannelFuture> losers = new ArrayList<>(inFlight);
            inFlight.clear();
            for (ChannelFuture other : losers) {
                other.cancel(false);
                other.channel().close();
            }
            done.accept(f.channel(), null);
            return;
        }
        attemptFailed(address, f.cause());
    }

    private void attemptFailed(InetSocketAddress address, Throwable cause) {
        if (finished) {
            return;
        }
        allTimedOut &= cause instanceof ConnectTimeoutException;
        failures.add(describe(address, cause));
        if (next < addresses.size()) {
            cancelDelay();
            attemptNext(); // RFC 8305 section 5: a failure starts the next attempt at once
        } else if (inFlight.isEmpty()) {
            finished = true;
            done.accept(null, new DialException(Phase.CONNECT, "cannot connect to " + target + ": "
                    + String.join("; ", failures), cause, allTimedOut));
        }
    }

    /** "127.0.0.1:80: Connection refused", without the address Netty repeats at the end of its messages. */
    private static String describe(InetSocketAddress address, Throwable cause) {
        String where = address.getAddress().getHostAddress() + ":" + address.getPort();
        if (cause == null) {
            return where + ": cancelled";
        }
        String message = String.valueOf(cause.getMessage());
        String suffix = ": " + address;
        if (message.endsWith(suffix)) {
            message = message.substring(0, message.length() - suffix.length());
        }
        return where + ": " + message;
    }

    private void cancelDelay() {
        if (delayTimer != null) {
            delayTimer.cancel(false);
            delayTimer = null;
        }
    }

    /** RFC 8305 section 4: alternate families, starting with the family of the first address. */
    static List<InetSocketAddress> interleave(List<InetSocketAddress> in) {
        if (in.size() < 2) {
            return in;
        }
        boolean firstIsV6 = in.get(0).getAddress() instanceof Inet6Address;
        List<InetSocketAddress> primary = new ArrayList<>();
        List<InetSocketAddress> secondary = new ArrayList<>();
        for (InetSocketAddress a : in) {
            ((a.getAddress() instanceof Inet6Address) == firstIsV6 ? primary : secondary).add(a);
        }
        List<InetSocketAddress> out = new ArrayList<>(in.size());
        for (int i = 0; i < Math.max(primary.size(), secondary.size()); i++) {
            if (i < primary.size()) {
                out.add(primary.get(i));
            }
            if (i < secondary.size()) {
                out.add(secondary.get(i));
            }
        }
        return out;
    }
}
