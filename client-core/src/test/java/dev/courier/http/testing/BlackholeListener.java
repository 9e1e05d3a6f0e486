package dev.courier.http.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A listening socket on 127.0.0.1 that never answers, for the stalls at the start of a connection, on loopback
 * only: {@link #fullBacklog()} makes connecting hang (its accept queue is full, so the kernel drops SYNs) and
 * {@link #silent()} accepts connections in the kernel but never reads or writes (a TLS handshake waits forever).
 */
public final class BlackholeListener implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> fillers = new ArrayList<>();

    private BlackholeListener(int backlog) throws IOException {
        socket = new ServerSocket(0, backlog, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    }

    /** A listener whose accept queue is full: a connect to it neither succeeds nor fails until the caller's timeout. */
    public static BlackholeListener fullBacklog() {
        BlackholeListener l = open(1);
        InetSocketAddress address = new InetSocketAddress(l.socket.getInetAddress(), l.socket.getLocalPort());
        try {
            for (int i = 0; i < 16; i++) {
                Socket s = new Socket();
                l.fillers.add(s);
                try {
                    s.connect(address, 300);
                } catch (SocketTimeoutException full) {
                    return l;
                }
            }
        } catch (IOException e) {
            l.close();
            throw new UncheckedIOException(e);
        }
        l.close();
        throw new IllegalStateException("the accept queue of a listener with backlog 1 never filled");
    }

    /** A listener that lets connections complete (in its backlog) and then never reads or writes a byte. */
    public static BlackholeListener silent() {
        return open(50);
    }

    private static BlackholeListener open(int backlog) {
        try {
            return new BlackholeListener(backlog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        for (Socket s : fillers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a filler connection: nothing to do
            }
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // the listener is gone either way
        }
    }
}
