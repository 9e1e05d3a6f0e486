package dev.courier.http.spring;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.Client;
import dev.courier.http.ClientTrace;
import dev.courier.http.RedirectPolicy;
import dev.courier.http.RequestException;
import dev.courier.http.Transport;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Httpbin;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Disposable;

/**
 * A real Spring WebClient over CourierClientHttpConnector against a real httpbin (gunicorn): requests and
 * streamed bodies as httpbin sees them, an error status, a cancelled slow request releasing its connection,
 * and WebClient's own observations recording the outcome and the errors.
 */
class HttpbinWebClientTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final Httpbin httpbin = new Httpbin();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    /** WebClient's observations, as they stop. */
    private final List<ClientRequestObservationContext> observed = new CopyOnWriteArrayList<>();

    private WebClient webClient(Client client) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<ClientRequestObservationContext>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof ClientRequestObservationContext;
            }

            @Override
            public void onStop(ClientRequestObservationContext context) {
                observed.add(context);
            }
        });
        ClientHttpConnector connector = new CourierClientHttpConnector(client);
        return WebClient.builder().clientConnector(connector).observationRegistry(registry).build();
    }

    private static Client client(Transport t) {
        return Client.newBuilder().transport(t).redirectPolicy(RedirectPolicy.none()).build();
    }

    @Test
    void getAndPostAsHttpbinSeesThem() {
        Transport t = courier.transport();
        WebClient web = webClient(client(t));

        String get = web.get().uri(httpbin.uri("/get?color=blue")).header("X-Courier-Test", "yes")
                .retrieve().bodyToMono(String.class).block(WAIT);
        // httpbin's JSON may or may not have a space after each colon, depending on its version.
        assertThat(get.replace(" ", "")).contains("\"color\":\"blue\"").contains("\"X-Courier-Test\":\"yes\"");

        String post = web.post().uri(httpbin.uri("/post")).contentType(MediaType.TEXT_PLAIN).bodyValue("hello httpbin")
                .retrieve().bodyToMono(String.class).block(WAIT);
        assertThat(post.replace(": ", ":")).contains("\"data\":\"hello httpbin\"").contains("\"Content-Length\":\"13\"");
        Await.noActiveConnections(t);
        assertThat(observed).hasSize(2).allSatisfy(c -> assertThat(c.getError()).isNull());
    }

    @Test
    void streamedBytesArriveWhole() {
        Transport t = courier.transport();
        long size = 100 * 1024; // httpbin's largest
        Long received = webClient(client(t)).get().uri(httpbin.uri("/stream-bytes/" + size + "?chunk_size=8192&seed=7"))
                .retrieve().bodyToFlux(DataBuffer.class)
                .map(b -> (long) b.readableByteCount())
                .reduce(0L, Long::sum).block(WAIT);
        assertThat(received).isEqualTo(size);
    }

    @Test
    void anErrorStatusIsRecordedByWebClientsObservation() {
        Transport t = courier.transport();
        WebClient web = webClient(client(t));

        WebClientResponseException e = null;
        try {
            web.get().uri(httpbin.uri("/status/503")).retrieve().bodyToMono(String.class).block(WAIT);
        } catch (WebClientResponseException thrown) {
            e = thrown;
        }
        assertThat(e).isNotNull();
        assertThat(e.getStatusCode().value()).isEqualTo(503);
        Await.until("one observation", () -> observed.size() == 1);
        assertThat(observed.get(0).getResponse().statusCode().value()).isEqualTo(503);
    }

    @Test
    void aRefusedConnectionIsRecordedAsTheObservationsError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        WebClient web = webClient(client(courier.transport()));
        Throwable failure = null;
        try {
            web.get().uri(URI.create("http://127.0.0.1:" + port + "/")).retrieve().bodyToMono(String.class).block(WAIT);
        } catch (WebClientRequestException e) {
            failure = e;
        }
        assertThat(failure).isInstanceOf(WebClientRequestException.class).hasCauseInstanceOf(RequestException.class);
        Await.until("one observation", () -> observed.size() == 1);
        assertThat(observed.get(0).getError()).isInstanceOf(WebClientRequestException.class)
                .hasCauseInstanceOf(RequestException.class);
    }

    @Test
    void cancellingASlowRequestReleasesItsConnectionAndTheObservationIsAborted() {
        Transport t = courier.transport();
        CompletableFuture<Void> written = new CompletableFuture<>();
        Client client = Client.newBuilder().transport(t).redirectPolicy(RedirectPolicy.none())
                .trace(new ClientTrace() {
                    @Override
                    public void wroteRequest(Throwable error) {
                        written.complete(null);
                    }
                }).build();

        Disposable d = webClient(client).get().uri(httpbin.uri("/delay/10")).retrieve().bodyToMono(String.class).subscribe();
        written.orTimeout(10, SECONDS).join();
        assertThat(t.stats().active()).isEqualTo(1);
        d.dispose();

        Await.until(() -> "connection closed: " + t.stats(), () -> t.stats().total() == 0);
        Await.until("one observation", () -> observed.size() == 1);
        assertThat(observed.get(0).isAborted()).isTrue();
    }
}
