package dev.courier.http.testing;

import dev.courier.http.Transport;
import dev.courier.http.TransportStats;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Per-test resources with the checks every Courier test must pass (OkHttp's leak rule, Netty's
 * PARANOID leak detector): register it with {@code @RegisterExtension final CourierExtension courier =
 * new CourierExtension();}, create servers and transports through it, and after each test it
 * <ol>
 *   <li>fails the test if any of its transports still has an active (leased) connection, waiting a
 *       moment first for releases already under way on the event loops;
 *   <li>closes the transports and servers;
 *   <li>fails the test on any Netty LEAK report.
 * </ol>
 */
public final class CourierExtension implements BeforeAllCallback, AfterEachCallback {
    private final NettyLeakExtension leaks = new NettyLeakExtension();
    private final List<Transport> transports = new ArrayList<>();
    private final List<TestServer> servers = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();
    private boolean expectActiveConnections;

    /** A transport with test-friendly settings (and {@code customize} applied), checked and closed after the test. */
    public Transport transport(UnaryOperator<Transport.Builder> customize) {
        Transport t = customize.apply(Transport.newBuilder().eventLoopThreads(2)).build();
        transports.add(t);
        return t;
    }

    public Transport transport() {
        return transport(b -> b);
    }

    /** A test server on 127.0.0.1, closed after the test. */
    public TestServer server() {
        TestServer s = TestServer.start();
        servers.add(s);
        return s;
    }

    /** A test server on {@code bind}, closed after the test. */
    public TestServer server(java.net.InetAddress bind) {
        TestServer s = TestServer.start(bind);
        servers.add(s);
        return s;
    }

    /** An https test server on 127.0.0.1 presenting {@code certificate}, closed after the test. */
    public TestServer tlsServer(io.netty.pkitesting.X509Bundle certificate) {
        return tlsServer(certificate, null);
    }

    /** An https test server that requires a client certificate issued by {@code clientCa} (if non-null). */
    public TestServer tlsServer(io.netty.pkitesting.X509Bundle certificate, io.netty.pkitesting.X509Bundle clientCa) {
        TestServer s = TestServer.startTls(certificate, clientCa);
        servers.add(s);
        return s;
    }

    /** Closes {@code resource} (another kind of server, say) after the test, after the transports. */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        others.add(resource);
        return resource;
    }

    /** For a test that deliberately ends with a leased connection (e.g. an upgraded one it owns). */
    public void expectActiveConnections() {
        expectActiveConnections = true;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        leaks.beforeAll(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        AssertionError failure = null;
        try {
            if (!expectActiveConnections) {
                for (Transport t : transports) {
                    TransportStats stats = Await.noActiveConnections(t);
                    if (stats.active() != 0 || stats.pending() != 0) {
                        failure = new AssertionError("connections left leased or waiting after the test: " + stats);
                    }
                }
            }
        } finally {
            transports.forEach(Transport::close);
            servers.forEach(TestServer::close);
            for (AutoCloseable c : others) {
                c.close();
            }
            transports.clear();
            servers.clear();
            others.clear();
        }
        if (failure != null) {
            throw failure;
        }
        leaks.check();
    }

}
