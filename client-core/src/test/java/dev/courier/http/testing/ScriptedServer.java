package dev.courier.http.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What {@link TestServer} (HTTP/1.1) and {@link H2TestServer} share: a one-thread NIO event loop, the listening
 * socket and the open connections, the script of responses (the queue, then the dispatcher) and the recorded
 * requests, with the waits tests use on them.
 *
 * @param <Q> the recorded request type
 * @param <R> the scripted response type
 */
public abstract class ScriptedServer<Q, R> implements AutoCloseable {
    static final Duration DEFAULT_TAKE_TIMEOUT = Duration.ofSeconds(10);
    static final long WAIT_SECONDS = 10;

    private final String name;
    private final EventLoopGroup group;
    final EventLoop loop;
    final ChannelGroup channels;
    private Channel serverChannel;
    private InetSocketAddress address;
    private final ConcurrentLinkedQueue<R> responses = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<Q> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Function<Q, R> dispatcher;
    private volatile boolean holdConnections;
    private volatile boolean recording = true;
    /** The TLS handshake timeout of connections accepted from now on, in ms; 0 leaves Netty's (10 s). */
    private volatile long tlsHandshakeTimeoutMillis;
    /** Gates of connections accepted while {@link #holdConnections} was on, by index; event-loop confined. */
    private final Map<Integer, InboundGate> heldConnections = new HashMap<>();

    ScriptedServer(String name, Function<Q, R> defaultDispatcher) {
        this.name = name;
        this.dispatcher = defaultDispatcher;
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
        loop = group.next();
        channels = new DefaultChannelGroup(name + "-connections", loop);
    }

    /**
     * Listens on {@code bindAddress} and an ephemeral port; the subclass calls it last in its constructor, once
     * {@link #initConnection} has what it needs. On failure the event loop is shut down.
     */
    final void bind(InetAddress bindAddress, boolean allowHalfClosure) {
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, allowHalfClosure)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            int index = connectionCount.getAndIncrement();
                            channels.add(ch);
                            if (holdConnections) {
                                InboundGate gate = new InboundGate();
                                ch.pipeline().addLast(gate);
                                heldConnections.put(index, gate);
                            }
                            initConnection(ch, index);
                        }
                    });
            serverChannel = bootstrap.bind(bindAddress, 0).syncUninterruptibly().channel();
            address = (InetSocketAddress) serverChannel.localAddress();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Sets up an accepted connection's pipeline; {@code index} counts connections from 0. On the event loop. */
    abstract void initConnection(SocketChannel ch, int index);

    /** The answer when the dispatcher throws: a 500 whose body is the stack trace. */
    abstract R errorResponse(String stackTrace);

    /** {@code http(s)://HOST:PORT} followed by {@code pathAndQuery}. */
    public abstract URI uri(String pathAndQuery);

    /** Closes every connection and waits for that. */
    public abstract void closeAllConnections();

    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return address.getPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** Queues a response: each request takes the next one, in FIFO order, before the dispatcher is asked. */
    public void enqueue(R response) {
        responses.add(Objects.requireNonNull(response, "response"));
    }

    /** Sets what answers requests when the queue is empty (called on the server's event loop). */
    public void dispatcher(Function<Q, R> d) {
        this.dispatcher = Objects.requireNonNull(d, "dispatcher");
    }

    /** Waits up to 10 s for the next recorded request; AssertionError if none arrives. */
    public Q takeRequest() {
        return takeRequest(DEFAULT_TAKE_TIMEOUT);
    }

    /** Waits up to {@code timeout} for the next recorded request; AssertionError if none arrives. */
    public Q takeRequest(Duration timeout) {
        try {
            Q r = requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no request recorded within " + timeout + " (" + requestCount()
                        + " request heads received so far)");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a request", e);
        }
    }

    /**
     * While false, the server keeps nothing per request or per connection: requests are answered and counted but not
     * recorded for {@link #takeRequest()}, and the subclasses stop recording what else they keep per event (TLS SNI
     * names, the client's HTTP/2 control frames). For long runs, such as the soak in {@code benchmarks}, whose
     * millions of requests would otherwise fill the server's heap; true (recording) by default.
     */
    public void recording(boolean on) {
        this.recording = on;
    }

    /**
     * The server's TLS handshake timeout for connections accepted from now on (Netty's default is 10 s): a long run
     * on a machine shared with other work raises it, so that a handshake the starved server completes late is not
     * cut by the server itself. No effect on a plaintext server.
     */
    public void tlsHandshakeTimeout(Duration timeout) {
        this.tlsHandshakeTimeoutMillis = timeout.toMillis();
    }

    /** Applies {@link #tlsHandshakeTimeout(Duration)} to a server-side TLS handler; returns it. */
    io.netty.handler.ssl.SslHandler configure(io.netty.handler.ssl.SslHandler handler) {
        long millis = tlsHandshakeTimeoutMillis;
        if (millis > 0) {
            handler.setHandshakeTimeoutMillis(millis);
        }
        return handler;
    }

    /** Whether requests are recorded (see {@link #recording(boolean)}). */
    public boolean recording() {
        return recording;
    }

    /** Number of requests whose headers were received. */
    public int requestCount() {
        return requestCount.get();
    }

    /** Number of connections accepted so far. */
    public int connectionCount() {
        return connectionCount.get();
    }

    /**
     * While true, each connection accepted from then on reads nothing until {@linkplain #releaseConnection released}:
     * over TLS the client's handshake waits (its dial stays in progress), over plaintext its requests wait. The
     * connection is accepted and counted at once. Scripted, so a test forces the order of dials and releases.
     */
    public void holdConnections(boolean hold) {
        this.holdConnections = hold;
    }

    /** Lets connection {@code index}, held by {@link #holdConnections}, read what the client sent and continue. */
    public void releaseConnection(int index) {
        onLoop(() -> {
            InboundGate gate = heldConnections.remove(index);
            if (gate == null) {
                throw new AssertionError("connection " + index + " is not held (held: " + heldConnections.keySet() + ")");
            }
            gate.open();
            return null;
        });
    }

    /** Releases every connection held so far (later ones are held too while {@link #holdConnections} is on). */
    public void releaseConnections() {
        onLoop(() -> {
            List<InboundGate> gates = new ArrayList<>(heldConnections.values());
            heldConnections.clear();
            gates.forEach(InboundGate::open);
            return null;
        });
    }

    /** Number of connections currently open. */
    public int openConnections() {
        return loop.isShuttingDown() ? channels.size() : onLoop(channels::size);
    }

    /** Closes the listening socket and every connection, then waits for the event loop to stop. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            serverChannel.close().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
            closeAllConnections();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + uri("") + "]";
    }

    /** Waits for the connections {@code closing} to close (unless called on the loop), then lets the group forget them. */
    void awaitClosed(List<ChannelFuture> closing) {
        if (loop.inEventLoop()) {
            return;
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        onLoop(() -> null);
    }

    // ---- called by the connections, on the event loop ----

    void requestHeadersReceived() {
        requestCount.incrementAndGet();
    }

    void record(Q request) {
        if (recording) {
            requests.add(request);
        }
    }

    R nextResponse(Q request) {
        R next = responses.poll();
        if (next != null) {
            return next;
        }
        try {
            return Objects.requireNonNull(dispatcher.apply(request), "dispatcher returned null");
        } catch (RuntimeException | Error e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return errorResponse(trace.toString());
        }
    }

    <T> T onLoop(Callable<T> task) {
        try {
            if (loop.inEventLoop()) {
                return task.call();
            }
            return loop.submit(task).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + "'s event loop did not answer within " + WAIT_SECONDS + " s", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
