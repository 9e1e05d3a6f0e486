package dev.courier.bench.compare.clients;

import dev.courier.bench.compare.ClientAdapter;
import dev.courier.bench.compare.Completion;
import dev.courier.bench.compare.RepeatingPublisher;
import dev.courier.bench.compare.Versions;
import dev.courier.bench.compare.Workload;
import dev.courier.http.Client;
import dev.courier.http.Request;
import dev.courier.http.RequestBody;
import dev.courier.http.Transport;
import java.net.URI;

/**
 * Courier: a {@link Client} over a {@link Transport} whose idle pool holds the workload's concurrency;
 * with {@code -Dcourier.bench.observe=micrometer|otel|both}, through that observability middleware
 * ({@link CourierObservability}, for run-observe.sh). The client has a 30 s timeout, as services set one
 * (AsyncHttpClient's adapter keeps its request timeout too): it puts a deadline on every request (issue
 * 13). {@code -Dcourier.bench.timeout=S} sets it in seconds, 0 for none.
 */
public final class CourierAdapter implements ClientAdapter {
    private static final String OBSERVE = System.getProperty("courier.bench.observe", "none");
    private static final java.time.Duration TIMEOUT =
            java.time.Duration.ofSeconds(Long.getLong("courier.bench.timeout", 30));

    private Transport transport;
    private Client client;
    private Request request;
    private AutoCloseable observability;

    @Override
    public String version() {
        return "courier " + Versions.of("dev.courier", "client-core") + " (netty " + Versions.netty() + ")"
                + (OBSERVE.equals("none") ? "" : " observe=" + OBSERVE);
    }

    @Override
    public void open(URI base, Workload workload) {
        int pool = Math.max(64, workload.concurrency());
        Transport.Builder tb = Transport.newBuilder()
                .maxIdleConns(Math.max(256, pool))
                .maxIdleConnsPerHost(pool)
                .disableKeepAlives(!workload.keepAlive())
                .disableCompression(true);
        if (workload.idleMemory()) {
            // see Workload.IDLE_CONNECT_TIMEOUT (defaults 30 s and 10 s)
            tb.connectTimeout(Workload.IDLE_CONNECT_TIMEOUT).tlsHandshakeTimeout(Workload.IDLE_CONNECT_TIMEOUT);
        }
        transport = tb.build();
        dev.courier.http.RoundTripper rt = transport;
        if (!OBSERVE.equals("none")) {
            CourierObservability o = CourierObservability.of(OBSERVE);
            observability = o;
            rt = o.instrument(transport);
        }
        client = Client.newBuilder().transport(rt).timeout(TIMEOUT).build();
        Request.Builder b = Request.newBuilder(base.resolve(workload.path()));
        if (workload.streamedUpload()) {
            RepeatingPublisher body = new RepeatingPublisher(RepeatingPublisher.chunk(Workload.UPLOAD_CHUNK), workload.requestBodySize());
            b.post(RequestBody.ofPublisher(() -> body, workload.requestBodySize()));
        } else if (workload.requestBodySize() > 0) {
            b.post(RequestBody.of(new byte[(int) workload.requestBodySize()]));
        }
        request = b.build();
    }

    @Override
    public void send(Completion done) {
        client.send(request).whenComplete((response, error) -> {
            if (error != null) {
                done.complete(-1, error);
            } else if (response.status() != 200) {
                response.close();
                done.complete(-1, new IllegalStateException("status " + response.status()));
            } else {
                response.body().discard().whenComplete((n, e) -> done.complete(e == null ? n : -1, e));
            }
        });
    }

    @Override
    public void close() throws Exception {
        client.close();
        transport.close();
        if (observability != null) {
            observability.close();
        }
    }
}
