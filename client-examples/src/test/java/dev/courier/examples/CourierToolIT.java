package dev.courier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.ExpectMode;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code courier} executable jar against the embedded test server. */
class CourierToolIT {
    private TestServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** What one run of the tool printed and returned. */
    record Run(int exit, String out, String err) {
    }

    static Run courier(String... args) throws IOException, InterruptedException {
        return courierWith(List.of(), args);
    }

    /** A run with {@code jvmOptions} (e.g. system properties) before {@code -jar}. */
    static Run courierWith(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        String jar = System.getProperty("courier.jar", "target/courier.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        // Both streams are small; read them fully, then wait (bounded).
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("courier " + String.join(" ", args) + " did not exit within 60 s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void getsAUrlAndPrintsTheBody() throws Exception {
        server.enqueue(ServerResponse.ok("hello tool"));
        Run run = courier(server.uri("/hello").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("hello tool");
        RecordedRequest r = server.takeRequest();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.header("Accept-Encoding")).as("like curl: no compression unless --compressed").isNull();
    }

    /** A run that goes well prints nothing on standard error: no log line (it printed the TLS engine at INFO). */
    @Test
    void aQuietRunLogsNothing() throws Exception {
        server.enqueue(ServerResponse.ok("quiet"));
        Run run = courier(server.uri("/quiet").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("quiet");
        assertThat(run.err()).isEmpty();
    }

    /** -v prints the trace, not Courier's DEBUG lines; -D turns those on. */
    @Test
    void verboseIsTheTraceAndDebugLinesAreOptIn() throws Exception {
        server.enqueue(ServerResponse.ok("v"));
        Run verbose = courier("-v", server.uri("/v").toString());
        assertThat(verbose.err()).contains("got connection").doesNotContain("DEBUG").doesNotContain("TLS engine");
        server.enqueue(ServerResponse.ok("d"));
        Run debug = courierWith(List.of("-Dorg.slf4j.simpleLogger.log.dev.courier=debug"), server.uri("/d").toString());
        assertThat(debug.exit()).isZero();
        assertThat(debug.err()).containsPattern("DEBUG dev\\.courier\\.http\\.internal\\.ConnectionEvents - \\[c1\\] GET "
                + java.util.regex.Pattern.quote(server.uri("/d").toString()) + ": dialing ")
                .contains("DEBUG dev.courier.http.Transport - TLS engine: JDK");
    }

    @Test
    void verbosePrintsTheTraceAndHeaders() throws Exception {
        server.enqueue(ServerResponse.ok("v").header("X-Answer", "42"));
        Run run = courier("-v", server.uri("/v").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.err()).contains("get connection to 127.0.0.1:" + server.port()).contains("connected to")
                .contains("got connection").contains("(new)").contains("wrote request").contains("first response byte")
                .contains("> GET " + server.uri("/v")).contains("< HTTP/1.1 200").contains("< X-Answer: 42");
    }

    @Test
    void sendsMethodHeadersAndData() throws Exception {
        server.enqueue(ServerResponse.ok("ok"));
        Run run = courier("-X", "PUT", "-H", "X-One: 1", "-H", "Content-Type: text/plain", "-d", "payload",
                server.uri("/put").toString());
        assertThat(run.exit()).isZero();
        RecordedRequest r = server.takeRequest();
        assertThat(r.method()).isEqualTo("PUT");
        assertThat(r.header("X-One")).isEqualTo("1");
        assertThat(r.header("Content-Type")).isEqualTo("text/plain");
        assertThat(r.bodyText()).isEqualTo("payload");
    }

    @Test
    void dataAloneIsAFormPost() throws Exception {
        server.enqueue(ServerResponse.ok("ok"));
        assertThat(courier("-d", "a=1&b=2", server.uri("/form").toString()).exit()).isZero();
        RecordedRequest r = server.takeRequest();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(r.bodyText()).isEqualTo("a=1&b=2");
    }

    @Test
    void sendsAFileAndWritesTheBodyToAFile() throws Exception {
        Path upload = Files.writeString(dir.resolve("in.txt"), "file contents");
        Path download = dir.resolve("out.bin");
        server.enqueue(ServerResponse.status(200).echoBody());
        Run run = courier("--data-file", upload.toString(), "-o", download.toString(), server.uri("/echo").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(Files.readString(download)).isEqualTo("file contents");
    }

    @Test
    void followsRedirectsOnlyWithL() throws Exception {
        server.enqueue(ServerResponse.status(302).header("Location", "/there").body("moved"));
        Run plain = courier(server.uri("/here").toString());
        assertThat(plain.exit()).isZero();
        assertThat(plain.out()).isEqualTo("moved");

        server.enqueue(ServerResponse.status(302).header("Location", "/there").body("moved"));
        server.enqueue(ServerResponse.ok("arrived"));
        Run followed = courier("-L", server.uri("/here").toString());
        assertThat(followed.exit()).isZero();
        assertThat(followed.out()).isEqualTo("arrived");
    }

    @Test
    void maxRedirsLimitsTheChain() throws Exception {
        server.dispatcher(req -> ServerResponse.status(302).header("Location", "/again").body("loop"));
        Run run = courier("-L", "--max-redirs", "2", server.uri("/start").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("stopped after 3 redirects");
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void userSendsBasicAuthWithoutPrintingThePassword() throws Exception {
        server.enqueue(ServerResponse.ok("ok"));
        Run run = courier("-v", "-u", "ann:pa55", server.uri("/private").toString());
        assertThat(run.exit()).isZero();
        assertThat(server.takeRequest().header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("ann:pa55".getBytes(StandardCharsets.UTF_8)));
        assertThat(run.err()).doesNotContain("pa55").contains("> Authorization: ***");
    }

    @Test
    void compressedAsksForGzipAndDecodesIt() throws Exception {
        server.enqueue(ServerResponse.ok("squeezed text").gzip());
        Run run = courier("--compressed", server.uri("/gz").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("squeezed text");
        assertThat(server.takeRequest().header("Accept-Encoding")).isEqualTo("gzip, deflate");
    }

    @Test
    void failExitsWith22OnAnHttpError() throws Exception {
        server.enqueue(ServerResponse.status(404).body("missing"));
        Run run = courier("-f", server.uri("/none").toString());
        assertThat(run.exit()).isEqualTo(22);
        assertThat(run.err()).contains("404");
        server.enqueue(ServerResponse.status(404).body("missing"));
        assertThat(courier(server.uri("/none").toString()).exit()).as("a 404 is a response").isZero();
    }

    @Test
    void badArgumentsAndUrlsExitWith2() throws Exception {
        Run unknown = courier("--bogus", "http://127.0.0.1/");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown option --bogus").contains("usage: courier");
        Run noValue = courier("-H");
        assertThat(noValue.exit()).isEqualTo(2);
        assertThat(noValue.err()).contains("-H needs a value");
        Run badScheme = courier("ftp://example.com/file");
        assertThat(badScheme.exit()).isEqualTo(2);
        assertThat(badScheme.err()).contains("unsupported scheme \"ftp\"");
        Run badUrl = courier("http://user:secret@exa mple.com/");
        assertThat(badUrl.exit()).isEqualTo(2);
        assertThat(badUrl.err()).contains("bad URL").doesNotContain("secret");
    }

    @Test
    void aFailedRequestExitsWith1AndSaysWhy() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run run = courier("http://127.0.0.1:" + port + "/x");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("GET http://127.0.0.1:" + port + "/x").contains("connecting").contains("refused");
    }

    @Test
    void expectContinueHeaderIsHonoured() throws Exception {
        server.enqueue(ServerResponse.status(200).expectContinue(ExpectMode.SEND_100).echoBody());
        Run run = courier("-H", "Expect: 100-continue", "-d", "after continue", server.uri("/upload").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("after continue");
    }

    @Test
    void cookiesAreWrittenWithCAndSentBackWithB() throws Exception {
        Path jarFile = dir.resolve("cookies.txt");
        server.enqueue(ServerResponse.status(302).header("Location", "/next").header("Set-Cookie", "sid=42; Path=/; HttpOnly")
                .body("moved"));
        server.enqueue(ServerResponse.ok("first"));
        Run first = courier("-L", "-c", jarFile.toString(), server.uri("/login").toString());
        assertThat(first.exit()).isZero();
        server.takeRequest();
        assertThat(server.takeRequest().header("Cookie")).as("sent on the redirect's next hop").isEqualTo("sid=42");
        String saved = Files.readString(jarFile);
        assertThat(saved).contains("#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\t42");

        server.enqueue(ServerResponse.ok("second"));
        Run second = courier("-b", jarFile.toString(), server.uri("/account").toString());
        assertThat(second.exit()).isZero();
        assertThat(server.takeRequest().header("Cookie")).isEqualTo("sid=42");
    }

    @Test
    void proxyOptionSendsTheRequestThroughTheProxyInAbsoluteForm() throws Exception {
        // The test server stands in for an HTTP proxy: it records the absolute-form request line and answers.
        server.enqueue(ServerResponse.ok("via proxy"));
        Run run = courier("-x", "http://tool:secret@127.0.0.1:" + server.port(), "http://origin.invalid/p?q=1");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("via proxy");
        RecordedRequest r = server.takeRequest();
        assertThat(r.target()).isEqualTo("http://origin.invalid/p?q=1");
        assertThat(r.header("Proxy-Authorization")).isEqualTo("Basic "
                + java.util.Base64.getEncoder().encodeToString("tool:secret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBadProxyIsAUsageError() throws Exception {
        Run run = courier("-x", "ftp://127.0.0.1:1", server.uri("/").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("bad proxy").contains("ftp");
    }

    @Test
    void theDemoRuns() throws Exception {
        Run run = courier("demo");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Connection reuse").contains("(reused").contains("uncompressed()=true")
                .contains("GET /home with Cookie: session=s3ss10n; theme=dark").contains("after 2 redirects")
                .contains("downloaded 256 MiB");
    }

    @Test
    void theWebClientDemoRuns() throws Exception {
        Run run = courier("webclient");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("server accepted 1 connection(s)").contains("sent chunked: true")
                .contains("downloaded 64 MiB").contains("failed: TimeoutException")
                .contains("WebClientRequestException caused by RequestException");
    }
}
