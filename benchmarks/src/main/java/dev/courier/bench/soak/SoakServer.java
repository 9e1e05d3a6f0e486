package dev.courier.bench.soak;

import dev.courier.http.testing.H2RecordedRequest;
import dev.courier.http.testing.H2Response;
import dev.courier.http.testing.H2TestServer;
import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ScriptedServer;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The soak's servers, in their own JVM so that the client's heap, direct memory and descriptors are the client's
 * alone: client-core's scriptable test servers (HTTP/1.1 plain and TLS, HTTP/2 over TLS, and a second HTTP/2 server
 * for the faults that break connections), with recording off and a dispatcher that reads the script from the path.
 *
 * <p>Usage: {@code SoakServer DIR}. Writes {@code DIR/ca.pem} (the test CA the client must trust) and
 * {@code DIR/ports.properties}, then serves until the process is stopped. A request's path is
 * {@code /soak/KIND/SIZE/ID}: the {@link Kind}, the clean body's size in bytes, and the request's number, by which a
 * {@linkplain Kind#once() once} fault recognises the retry of a request it already failed.
 */
public final class SoakServer {
    /** Request numbers a once-fault has struck and whose retry may still come; bounded, the oldest forgotten. */
    private static final Map<Long, Boolean> STRUCK = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > 100_000;
        }
    };

    private SoakServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: SoakServer DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        TestCertificates certs = TestCertificates.get();
        TestServer h1 = TestServer.start();
        TestServer h1Tls = TestServer.startTls(certs.server());
        H2TestServer h2 = H2TestServer.startTls(certs.server());
        H2TestServer h2Faults = H2TestServer.startTls(certs.server());
        List<ScriptedServer<?, ?>> all = List.of(h1, h1Tls, h2, h2Faults);
        all.forEach(s -> {
            s.recording(false);
            // The client gives its handshakes 30 s (SoakDriver); the servers must not cut them at Netty's 10 s when
            // the machine is busy.
            s.tlsHandshakeTimeout(java.time.Duration.ofSeconds(60));
        });
        h1.dispatcher(SoakServer::h1);
        h1Tls.dispatcher(SoakServer::h1);
        h2.dispatcher(SoakServer::h2);
        h2Faults.dispatcher(SoakServer::h2);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            all.forEach(ScriptedServer::close);
            stopped.countDown();
        }, "soak-server-stop"));
        certs.caPem(dir);
        String ports = "h1=" + h1.port() + "\nh1-tls=" + h1Tls.port() + "\nh2=" + h2.port() + "\nh2-faults="
                + h2Faults.port() + "\n";
        Path tmp = dir.resolve("ports.properties.tmp");
        Files.writeString(tmp, ports, StandardCharsets.US_ASCII);
        Files.move(tmp, dir.resolve("ports.properties"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("soak servers ready: " + ports.replace('\n', ' '));
        stopped.await();
    }

    private static ServerResponse h1(RecordedRequest request) {
        Target t = Target.parse(request.path());
        return t.kind.h1(t.size, t.id, t.retry());
    }

    private static H2Response h2(H2RecordedRequest request) {
        Target t = Target.parse(request.path());
        return t.kind.h2(t.size, t.retry());
    }

    /** A parsed {@code /soak/KIND/SIZE/ID}. */
    private record Target(Kind kind, long size, long id) {
        static Target parse(String path) {
            String[] parts = path.split("/");
            if (parts.length != 5 || !parts[1].equals("soak")) {
                throw new IllegalArgumentException("not a soak path: " + path);
            }
            return new Target(Kind.valueOf(parts[2]), Long.parseLong(parts[3]), Long.parseLong(parts[4]));
        }

        /** For a once-fault: whether this is the retry of a request the fault already struck (and records it if not). */
        boolean retry() {
            if (!kind.once()) {
                return false;
            }
            synchronized (STRUCK) {
                return STRUCK.remove(id) != null || STRUCK.put(id, Boolean.TRUE) != null;
            }
        }
    }
}
