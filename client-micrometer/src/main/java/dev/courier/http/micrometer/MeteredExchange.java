package dev.courier.http.micrometer;

import dev.courier.http.ClientTrace;
import dev.courier.http.Request;
import dev.courier.http.RequestException;
import dev.courier.http.Response;
import io.micrometer.core.instrument.Tag;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLSession;

/**
 * One exchange being measured: the trace that times DNS, connects and TLS and counts reuse and retries,
 * and the callback of both the response future and the body's end (its trailers), which records the
 * {@value CourierMetrics#REQUESTS} timer once the body is over. One object per request.
 *
 * <p>Trace events and completions of one exchange arrive one after the other on event loops (each step
 * starts from the previous one's completion), so the fields need no lock.
 */
final class MeteredExchange implements ClientTrace, BiConsumer<Object, Throwable> {
    private final CourierMetrics metrics;
    private final TransportPoolMetrics pool;
    private final boolean countConnects;
    private final Request request;
    private final long start;
    /** Set when the head arrived; from then on, completions are the body's. */
    private Response response;
    private long dnsStart;
    private long tlsStart;
    /** Start of the connect in progress; Happy Eyeballs may run a second while the first is pending. */
    private InetSocketAddress connecting;
    private long connectStart;
    private InetSocketAddress connecting2;
    private long connectStart2;

    MeteredExchange(CourierMetrics metrics, TransportPoolMetrics pool, boolean countConnects, Request request, long start) {
        this.metrics = metrics;
        this.pool = pool;
        this.countConnects = countConnects;
        this.request = request;
        this.start = start;
    }

    // ---- the response future, then the body's end ----

    @Override
    public void accept(Object value, Throwable error) {
        Response r = response;
        if (r != null) {
            record(r, error); // the body ended
        } else if (error != null) {
            record(null, error);
        } else {
            r = (Response) value;
            response = r;
            if (r.upgradedConnection().isPresent()) {
                record(r, null); // the connection is the caller's now: no body to wait for
            } else {
                r.trailers().whenComplete(this);
            }
        }
    }

    private void record(Response r, Throwable error) {
        long nanos = metrics.now() - start;
        metrics.recordRequest(new CourierMetrics.TimerKey(request.method(), metrics.uri(request), HttpTags.status(r),
                HttpTags.host(request), HttpTags.protocol(r), HttpTags.exception(error)), r, nanos);
    }

    // ---- the trace ----

    @Override
    public void dnsStart(String host) {
        dnsStart = metrics.now();
    }

    @Override
    public void dnsDone(List<InetAddress> addresses, Throwable error) {
        if (dnsStart != 0) {
            metrics.recordTimer(CourierMetrics.DNS, metrics.now() - dnsStart, host(), exceptionTag(error));
            dnsStart = 0;
        }
    }

    @Override
    public void connectStart(InetSocketAddress address) {
        if (connecting == null) {
            connecting = address;
            connectStart = metrics.now();
        } else {
            connecting2 = address;
            connectStart2 = metrics.now();
        }
    }

    @Override
    public void connectDone(InetSocketAddress address, Throwable error) {
        long began;
        if (address.equals(connecting)) {
            began = connectStart;
            connecting = connecting2;
            connectStart = connectStart2;
            connecting2 = null;
        } else if (address.equals(connecting2)) {
            began = connectStart2;
            connecting2 = null;
        } else {
            return;
        }
        metrics.recordTimer(CourierMetrics.CONNECT, metrics.now() - began, host(), exceptionTag(error));
        if (error == null && countConnects) {
            metrics.count(CourierMetrics.CONNECTIONS_OPENED, host());
            if (pool != null) {
                // perhaps a new route: its gauges appear now
                pool.connected(request.uri().getScheme() + "://" + HttpTags.host(request) + ":" + request.port());
            }
        }
    }

    @Override
    public void tlsHandshakeStart() {
        tlsStart = metrics.now();
    }

    @Override
    public void tlsHandshakeDone(SSLSession session, Throwable error) {
        if (tlsStart != 0) {
            String protocol = session == null || session.getProtocol() == null ? HttpTags.NONE : session.getProtocol();
            metrics.recordTimer(CourierMetrics.TLS_HANDSHAKE, metrics.now() - tlsStart, host(),
                    Tag.of("tls.protocol", protocol), exceptionTag(error));
            tlsStart = 0;
        }
    }

    @Override
    public void gotConn(ConnInfo info) {
        if (info.reused()) {
            metrics.countReused(HttpTags.host(request));
        }
    }

    @Override
    public void retrying(int attempt, RequestException cause, String reason) {
        metrics.count(CourierMetrics.RETRIES, host(), exceptionTag(cause));
    }

    private Tag host() {
        return Tag.of("host", HttpTags.host(request));
    }

    private static Tag exceptionTag(Throwable error) {
        return Tag.of("exception", HttpTags.exception(error));
    }
}
