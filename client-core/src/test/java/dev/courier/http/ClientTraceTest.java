package dev.courier.http;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A caller's {@link ClientTrace} runs on the event loop, inside Courier's handlers: its faults must not become Courier's. */
class ClientTraceTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    /**
     * Found with BlockHoundTest's first draft, whose gotFirstResponseByte threw BlockHound's error: the decoder
     * called it before taking ownership of the read buffer, which then leaked. The call now ends in a response
     * or a RequestException, with nothing leaked and no connection left leased (CourierExtension checks both).
     */
    @Test
    void aGotFirstResponseByteCallbackThatThrowsLeaksNothing() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.ok("hello"));
        ClientTrace throwing = new ClientTrace() {
            @Override
            public void gotFirstResponseByte() {
                throw new IllegalStateException("a faulty trace");
            }
        };
        CompletableFuture<Response> call = courier.transport()
                .roundTrip(Request.newBuilder(server.uri("/")).trace(throwing).build());
        try {
            Response r = call.get(10, SECONDS);
            try {
                r.body().bytes().get(10, SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(RequestException.class);
            }
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RequestException.class);
        }
    }
}
