package dev.courier.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.SSLSession;

/** Fans every {@link ClientTrace} event out to two listeners, in order. */
final class ComposedTrace implements ClientTrace {
    private final ClientTrace a;
    private final ClientTrace b;

    ComposedTrace(ClientTrace a, ClientTrace b) {
        this.a = a;
        this.b = b;
    }

    @Override public void getConn(String hostPort) { a.getConn(hostPort); b.getConn(hostPort); }
    @Override public void gotConn(ConnInfo info) { a.gotConn(info); b.gotConn(info); }
    @Override public void putIdleConn(Throwable error) { a.putIdleConn(error); b.putIdleConn(error); }
    @Override public void dnsStart(String host) { a.dnsStart(host); b.dnsStart(host); }
    @Override public void dnsDone(List<InetAddress> addresses, Throwable error) { a.dnsDone(addresses, error); b.dnsDone(addresses, error); }
    @Override public void connectStart(InetSocketAddress address) { a.connectStart(address); b.connectStart(address); }
    @Override public void connectDone(InetSocketAddress address, Throwable error) { a.connectDone(address, error); b.connectDone(address, error); }
    @Override public void tlsHandshakeStart() { a.tlsHandshakeStart(); b.tlsHandshakeStart(); }
    @Override public void tlsHandshakeDone(SSLSession session, Throwable error) { a.tlsHandshakeDone(session, error); b.tlsHandshakeDone(session, error); }
    @Override public void wroteHeaders() { a.wroteHeaders(); b.wroteHeaders(); }
    @Override public void wroteRequest(Throwable error) { a.wroteRequest(error); b.wroteRequest(error); }
    @Override public void got100Continue() { a.got100Continue(); b.got100Continue(); }
    @Override public void got1xxResponse(int status, Headers headers) { a.got1xxResponse(status, headers); b.got1xxResponse(status, headers); }
    @Override public void gotFirstResponseByte() { a.gotFirstResponseByte(); b.gotFirstResponseByte(); }
    @Override public void retrying(int attempt, RequestException cause, String reason) { a.retrying(attempt, cause, reason); b.retrying(attempt, cause, reason); }
}
