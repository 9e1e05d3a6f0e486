package dev.courier.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.http.testing.CourierExtension;
import dev.courier.http.testing.Httpbin;
import dev.courier.http.testing.Json;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RequestBody#ofForm}: Go's url.Values encoding, the Content-Type it brings, replay, and httpbin's reading of it. */
class FormBodyTest {
    @RegisterExtension
    static final Httpbin httpbin = new Httpbin();

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    /**
     * Go 1.19's {@code url.Values.Encode} of the same values, printed by a Go program: keys sorted by their
     * UTF-8 bytes (so U+E000 before U+1F600, where Java's String order puts them the other way round),
     * only {@code A-Z a-z 0-9 - _ . ~} left as they are, space as '+', a key without values left out.
     */
    @Test
    void encodesExactlyAsGosUrlValuesEncode() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("q", List.of("a b"));
        form.put("n", List.of("1", "2"));
        form.put("\uE000", List.of("pua"));
        form.put("\uD83D\uDE00", List.of("emoji"));
        form.put("sym", List.of("*~-_.!'()+&=/?#%"));
        form.put("é", List.of("ü"));
        form.put("empty", List.of());

        RequestBody body = RequestBody.ofForm(form);

        assertThat(new String(bytes(body), UTF_8)).isEqualTo(
                "n=1&n=2&q=a+b&sym=%2A~-_.%21%27%28%29%2B%26%3D%2F%3F%23%25&%C3%A9=%C3%BC&%EE%80%80=pua&%F0%9F%98%80=emoji");
        assertThat(body.contentType()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(body.isReplayable()).isTrue();
        assertThat(body.contentLength()).isEqualTo(bytes(body).length);
    }

    @Test
    void nullKeysAndValuesAreRefusedNamingThem() {
        Map<String, List<String>> nullKey = new LinkedHashMap<>();
        nullKey.put(null, List.of("x"));
        assertThatThrownBy(() -> RequestBody.ofForm(nullKey)).isInstanceOf(NullPointerException.class).hasMessage("form key");
        List<String> withNull = new java.util.ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> RequestBody.ofForm(Map.of("k", withNull))).isInstanceOf(NullPointerException.class)
                .hasMessage("a value of form key k");
    }

    @Test
    void contentTypeIsSetWhenTheCallerSetNoneAndKeptWhenTheCallerDid() throws Exception {
        TestServer server = courier.server();
        Transport t = courier.transport();
        RequestBody form = RequestBody.ofForm(Map.of("a", List.of("1")));

        Request plain = Request.newBuilder(server.uri("/form")).post(form).build();
        assertThat(plain.headers().all("Content-Type")).containsExactly("application/x-www-form-urlencoded");
        t.roundTrip(plain).get(10, SECONDS).body().discard().get(10, SECONDS);
        RecordedRequest sent = server.takeRequest();
        assertThat(sent.headers("Content-Type")).containsExactly("application/x-www-form-urlencoded");
        assertThat(sent.header("Content-Length")).isEqualTo("3");
        assertThat(sent.bodyText()).isEqualTo("a=1");

        Request own = Request.newBuilder(server.uri("/form")).header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
                .post(form).build();
        t.roundTrip(own).get(10, SECONDS).body().discard().get(10, SECONDS);
        assertThat(server.takeRequest().headers("Content-Type")).containsExactly("application/x-www-form-urlencoded; charset=utf-8");
    }

    @Test
    void aFormIsSentAgainAfterA307() throws Exception {
        TestServer server = courier.server();
        server.enqueue(ServerResponse.status(307).header("Location", "/again"));
        server.enqueue(ServerResponse.ok("done"));
        Client client = Client.newBuilder().transport(courier.transport()).build();

        Response r = client.postForm(server.uri("/first").toString(), Map.of("x", List.of("1 2"))).get(10, SECONDS);

        assertThat(r.body().text().get(10, SECONDS)).isEqualTo("done");
        assertThat(server.takeRequest().bodyText()).isEqualTo("x=1+2");
        RecordedRequest again = server.takeRequest();
        assertThat(again.path()).isEqualTo("/again");
        assertThat(again.bodyText()).isEqualTo("x=1+2");
        assertThat(again.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    }

    @Test
    void httpbinReadsTheFormAsSent() throws Exception {
        Client client = Client.newBuilder().transport(courier.transport()).build();
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("name", List.of("Zoë & co"));
        form.put("n", List.of("1", "2"));
        form.put("path", List.of("/a?b=c#d"));

        Response r = client.postForm(httpbin.base() + "/post", form).get(10, SECONDS);
        Object json = Json.parse(r.body().text().get(10, SECONDS));

        assertThat(r.status()).isEqualTo(200);
        assertThat(Json.at(json, "form", "name")).isEqualTo("Zoë & co");
        assertThat(Json.at(json, "form", "n")).isEqualTo(List.of("1", "2"));
        assertThat(Json.at(json, "form", "path")).isEqualTo("/a?b=c#d");
        assertThat(Json.at(json, "headers", "Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    }

    @Test
    void httpbinAnythingEchoesAFormPut() throws Exception {
        Client client = Client.newBuilder().transport(courier.transport()).build();
        Request put = Request.newBuilder(httpbin.uri("/anything/form")).method("PUT", RequestBody.ofForm(Map.of("k", List.of("v"))))
                .build();

        Object json = Json.parse(client.send(put).get(10, SECONDS).body().text().get(10, SECONDS));

        assertThat(Json.at(json, "method")).isEqualTo("PUT");
        assertThat(Json.at(json, "form", "k")).isEqualTo("v");
    }

    static byte[] bytes(RequestBody body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        dev.courier.http.testing.RecordingSubscriber sub = new dev.courier.http.testing.RecordingSubscriber(Long.MAX_VALUE);
        body.publisher().subscribe(sub);
        try {
            sub.result.get(10, SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        for (java.nio.ByteBuffer b : sub.items) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
        return out.toByteArray();
    }
}
