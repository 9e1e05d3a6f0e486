package dev.courier.http.testing;

import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Debian proxies of the proxy tests, each started on first use on 127.0.0.1 with a generated
 * configuration and stopped after the test class: {@code @RegisterExtension static final ProxyPeers
 * peers = new ProxyPeers();}. {@code .ci/install-proxies.sh} installs them; {@link #INSTALL} says how.
 * <ul>
 *   <li>{@link #tinyproxy}: an HTTP proxy (absolute-form and CONNECT), optionally with Basic auth;
 *   <li>{@link #microsocks}: SOCKS5, optionally with username/password;
 *   <li>{@link #dante}: SOCKS4 and SOCKS5 without authentication (danted; it rejects SOCKS4a host names);
 *   <li>{@link #stunnel}: TLS in front of another port, to make an https:// proxy of tinyproxy.
 * </ul>
 */
public final class ProxyPeers implements AfterAllCallback, AutoCloseable {
    public static final String INSTALL = "apt-get install -y tinyproxy microsocks dante-server stunnel4";

    private final Map<String, PeerProcess> running = new ConcurrentHashMap<>();

    /** tinyproxy without authentication. */
    public PeerProcess tinyproxy() {
        return tinyproxy(null, null);
    }

    /** tinyproxy requiring {@code Proxy-Authorization: Basic user:password} (both non-null), or open (both null). */
    public PeerProcess tinyproxy(String user, String password) {
        return tinyproxy(user, password, 0);
    }

    /** Open tinyproxy that allows CONNECT to {@code port} only and answers any other CONNECT with 403. */
    public PeerProcess tinyproxyConnectingOnlyTo(int port) {
        return tinyproxy(null, null, port);
    }

    private PeerProcess tinyproxy(String user, String password, int connectPort) {
        return running.computeIfAbsent("tinyproxy " + user + ":" + password + " " + connectPort, key -> PeerProcess.start("tinyproxy",
                "tinyproxy", "apt-get install -y tinyproxy", (exe, dir, port) -> {
                    List<String> conf = new ArrayList<>(List.of(
                            "Port " + port,
                            "Listen 127.0.0.1",
                            "Timeout 30",
                            "LogLevel Connect",
                            "MaxClients 64",
                            "DisableViaHeader Yes",
                            "PidFile \"" + dir.resolve("tinyproxy.pid") + "\""));
                    if (user != null) {
                        conf.add("BasicAuth " + user + " " + password);
                    }
                    // Without a ConnectPort line CONNECT may go to any port (the test origins use ephemeral ones).
                    if (connectPort != 0) {
                        conf.add("ConnectPort " + connectPort);
                    }
                    Path file = Files.write(dir.resolve("tinyproxy.conf"), conf);
                    return List.of(exe.toString(), "-d", "-c", file.toString());
                }));
    }

    /** microsocks (SOCKS5) without authentication. */
    public PeerProcess microsocks() {
        return microsocks(null, null);
    }

    /** microsocks requiring RFC 1929 username/password (both non-null), or open (both null). */
    public PeerProcess microsocks(String user, String password) {
        return running.computeIfAbsent("microsocks " + user + ":" + password, key -> PeerProcess.start("microsocks",
                "microsocks", "apt-get install -y microsocks", (exe, dir, port) -> {
                    List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-i", "127.0.0.1", "-p", Integer.toString(port)));
                    if (user != null) {
                        cmd.addAll(List.of("-u", user, "-P", password));
                    }
                    return cmd;
                }));
    }

    /** danted: SOCKS4 and SOCKS5, no authentication, clients and destinations on loopback only. */
    public PeerProcess dante() {
        return running.computeIfAbsent("dante", key -> PeerProcess.start("dante-server", "danted",
                "apt-get install -y dante-server", (exe, dir, port) -> {
                    List<String> conf = new ArrayList<>(List.of(
                            "logoutput: stderr",
                            "internal: 127.0.0.1 port = " + port,
                            "external: 127.0.0.1",
                            "clientmethod: none",
                            "socksmethod: none"));
                    if ("root".equals(System.getProperty("user.name"))) {
                        // As root danted wants to know whom to run as; as anyone else it stays that user.
                        conf.add("user.privileged: root");
                        conf.add("user.unprivileged: nobody");
                    }
                    conf.add("client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }");
                    conf.add("socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 protocol: tcp }");
                    Path file = Files.write(dir.resolve("danted.conf"), conf);
                    return List.of(exe.toString(), "-f", file.toString(), "-N", "1", "-p", dir.resolve("danted.pid").toString());
                }));
    }

    /** stunnel presenting {@code certificate} on its own port and forwarding the plaintext to 127.0.0.1:{@code targetPort}. */
    public PeerProcess stunnel(X509Bundle certificate, int targetPort) {
        return running.computeIfAbsent("stunnel " + certificate.getCertificate().getSubjectX500Principal() + " " + targetPort,
                key -> PeerProcess.start("stunnel", "stunnel4", "apt-get install -y stunnel4", (exe, dir, port) -> {
                    Path chain = TestCertificates.chainPem(certificate, dir);
                    Path privateKey = TestCertificates.keyPem(certificate, dir);
                    Path file = Files.write(dir.resolve("stunnel.conf"), List.of(
                            "foreground = yes",
                            "pid =",
                            "debug = notice",
                            "[proxy]",
                            "accept = 127.0.0.1:" + port,
                            "connect = 127.0.0.1:" + targetPort,
                            "cert = " + chain,
                            "key = " + privateKey));
                    return List.of(exe.toString(), file.toString());
                }));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Stops every peer started so far. */
    @Override
    public void close() {
        running.values().forEach(PeerProcess::close);
        running.clear();
    }
}
