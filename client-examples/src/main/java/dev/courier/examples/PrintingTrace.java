package dev.courier.examples;

import dev.courier.http.ClientTrace;
import dev.courier.http.Headers;
import dev.courier.http.RequestException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.SSLSession;

/** Prints each trace event with the milliseconds since the trace was created, as {@code curl -v} does. */
final class PrintingTrace implements ClientTrace {
    private final PrintStream out;
    private final String prefix;
    private final long start = System.nanoTime();

    PrintingTrace(PrintStream out) {
        this(out, "*");
    }

    PrintingTrace(PrintStream out, String prefix) {
        this.out = out;
        this.prefix = prefix;
    }

    private void print(String event) {
        out.printf("%s %7.2f ms  %s%n", prefix, (System.nanoTime() - start) / 1e6, event);
    }

    @Override public void getConn(String hostPort) { print("get connection to " + hostPort); }
    @Override public void dnsStart(String host) { print("DNS lookup " + host); }
    @Override public void dnsDone(List<InetAddress> addresses, Throwable error) { print("DNS done " + (error == null ? addresses : error)); }
    @Override public void connectStart(InetSocketAddress address) { print("connecting to " + address); }
    @Override public void connectDone(InetSocketAddress address, Throwable error) { print("connected to " + address + (error == null ? "" : " failed: " + error)); }
    @Override public void tlsHandshakeStart() { print("TLS handshake"); }
    @Override public void tlsHandshakeDone(SSLSession s, Throwable e) { print("TLS done " + (e == null ? s.getProtocol() + " " + s.getCipherSuite() : e)); }
    @Override public void gotConn(ConnInfo i) {
        print("got connection " + i.connectionId() + (i.reused() ? " (reused, idle " + i.idleTime().toMillis() + " ms)" : " (new)"));
    }
    @Override public void wroteHeaders() { print("wrote request headers"); }
    @Override public void wroteRequest(Throwable error) { print("wrote request" + (error == null ? "" : " failed: " + error)); }
    @Override public void got100Continue() { print("got 100 Continue"); }
    @Override public void got1xxResponse(int status, Headers headers) { print("got " + status); }
    @Override public void gotFirstResponseByte() { print("first response byte"); }
    @Override public void putIdleConn(Throwable error) { print(error == null ? "connection returned to pool" : "connection closed: " + error.getMessage()); }
    @Override public void retrying(int attempt, RequestException cause, String reason) { print("retrying (" + reason + ")"); }
}
