package dev.courier.http.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.http.TlsEngine;
import dev.courier.http.Transport;
import dev.courier.http.testing.CourierExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How a Transport's TLS engine is chosen when client-tls is NOT on the class path (client-core's own test
 * run). Its counterparts with client-tls present are client-tls's TlsBoringSslEngineTest and
 * AutoEngineSelectionTest. Not named Tls*Test: it must not run again on client-tls's class path.
 */
class EngineSelectionTest {
    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private static final String NOT_ON_CLASSPATH = "the dev.courier:client-tls module is not on the classpath";

    @ParameterizedTest(name = "tlsEngine({0}) with -Dcourier.tls.engine={1} -> {2}")
    @CsvSource(nullValues = "none", value = {
            "AUTO, none,  JDK",
            "AUTO, '',    JDK",
            "AUTO, auto,  JDK",
            "AUTO, jdk,   JDK",
            "AUTO, JDK,   JDK",
            "JDK,  none,  JDK",
            "JDK,  boringssl, JDK", // the property replaces AUTO only: an explicit choice stands
    })
    void withoutClientTlsTheJdkEngineIsChosen(TlsEngine wanted, String property, TlsEngine expected) {
        assertThat(TlsEngines.installed().problem()).startsWith(NOT_ON_CLASSPATH);
        TlsEngines.Selection s = TlsEngines.select(wanted, false, property, TlsEngines.installed());
        assertThat(s.engine()).isEqualTo(expected);
        assertThat(s.sslProvider()).isEqualTo(io.netty.handler.ssl.SslProvider.JDK);
    }

    @Test
    void boringSslWithoutClientTlsFailsNamingTheModule() {
        assertThatThrownBy(() -> Transport.newBuilder().tlsEngine(TlsEngine.BORINGSSL).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("TLS engine BORINGSSL (asked for by tlsEngine(BORINGSSL)) is unavailable: " + NOT_ON_CLASSPATH
                        + "; add that dependency or use TlsEngine.JDK or AUTO");
        assertThatThrownBy(() -> TlsEngines.select(TlsEngine.AUTO, false, "boringssl", TlsEngines.installed()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("TLS engine BORINGSSL (asked for by -Dcourier.tls.engine=boringssl) is unavailable: "
                        + NOT_ON_CLASSPATH);
    }

    @Test
    void aMissingNativeLibraryIsNamedWithItsCause() {
        UnsatisfiedLinkError cause = new UnsatisfiedLinkError("no netty_tcnative_linux_x86_64 in java.library.path");
        TlsEngines.Found found = new TlsEngines.Found(null, "dev.courier:client-tls is on the classpath but its BoringSSL "
                + "native library (netty-tcnative-boringssl-static) did not load on this machine: " + cause, cause);
        assertThatThrownBy(() -> TlsEngines.select(TlsEngine.BORINGSSL, false, null, found))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dev.courier:client-tls")
                .hasMessageContaining("no netty_tcnative_linux_x86_64 in java.library.path")
                .hasCause(cause);
        assertThat(TlsEngines.select(TlsEngine.AUTO, false, null, found).engine()).isEqualTo(TlsEngine.JDK);
    }

    @Test
    void anUnknownPropertyValueFails() {
        assertThatThrownBy(() -> TlsEngines.select(TlsEngine.AUTO, false, "openssl", TlsEngines.installed()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("-Dcourier.tls.engine=openssl is not a TLS engine: expected auto, jdk or boringssl");
    }

    @Test
    void aUserSslContextMeansTheJdkEngine() {
        assertThat(TlsEngines.select(TlsEngine.AUTO, true, "boringssl", TlsEngines.installed()).engine())
                .isEqualTo(TlsEngine.JDK);
        assertThatThrownBy(() -> TlsEngines.select(TlsEngine.BORINGSSL, true, null, TlsEngines.installed()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("sslContext(SSLContext) runs on the JDK's TLS engine");
    }

    /**
     * Which engine a transport uses is nothing to act on (and {@code Transport.tlsEngine()} tells a program): it
     * is logged at DEBUG, so a program (the courier tool) that builds a Transport prints nothing at INFO.
     * ConnectionLoggingTest sees the DEBUG line.
     */
    @Test
    void aTransportLogsItsEngineBelowInfo() {
        List<String> lines = stderrLinesWhile(() -> courier.transport(b -> b));
        assertThat(lines).noneMatch(l -> l.contains("TLS engine: "));
        assertThat(TlsEngines.select(TlsEngine.AUTO, false).describe(null))
                .isEqualTo("JDK (JSSE, Java " + Runtime.version() + ")");
    }

    /** slf4j-simple writes to whatever System.err is at the time of each log call. */
    static List<String> stderrLinesWhile(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return Arrays.asList(captured.toString(StandardCharsets.UTF_8).split("\\R"));
    }
}
