package dev.courier.http.faultmatrix;

import static org.assertj.core.api.Assertions.fail;

import dev.courier.http.Transport;
import dev.courier.http.TransportStats;
import dev.courier.http.testing.Await;
import dev.courier.http.testing.CourierExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix (issue 12): every {@link Fault} of the {@link FaultCatalogue} over every protocol it applies to.
 * Each case asserts its {@link Outcome} (typed RequestException and phase, timeout, message, cause, retries, or what
 * became of the connection), that every future completed within {@link Env#BOUND}, and that no connection is left
 * leased or waiting; the {@link CourierExtension} then closes everything and fails on any Netty LEAK report.
 * {@link #theDocumentIsTheSuitesTable} keeps docs/FAULT-MATRIX.md equal to the table the catalogue renders.
 */
class FaultMatrixTest {
    /** Set to true to rewrite docs/FAULT-MATRIX.md from the catalogue instead of checking it. */
    static final String WRITE_PROPERTY = "courier.faultMatrix.write";

    @RegisterExtension
    final CourierExtension courier = new CourierExtension();

    private final EventLoopErrors loopErrors = new EventLoopErrors();

    @BeforeEach
    void watchTheEventLoops() {
        loopErrors.start();
    }

    @AfterEach
    void stopWatching() {
        loopErrors.stop();
    }

    static Stream<Arguments> cells() {
        return FaultCatalogue.FAULTS.stream().flatMap(f -> Stream.of(Proto.values())
                .filter(f::appliesTo).map(p -> Arguments.of(f, p)));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("cells")
    void aFaultEndsTypedInTimeAndReleasesEverything(Fault fault, Proto proto) throws Exception {
        String pending = FaultCatalogue.pendingBranch(fault, proto);
        try {
            Env env = new Env(proto, courier);
            Observed observed = fault.run(env);
            fault.expected(proto).check(observed);
            for (Transport t : env.transports()) {
                Await.until(() -> "nothing leased or waiting after the case: " + t.stats(), () -> {
                    TransportStats s = t.stats();
                    return s.active() == 0 && s.pending() == 0;
                });
            }
            // Every failure must have reached the exchange: none may escape to an event loop as a stray exception.
            loopErrors.assertNone();
        } catch (Exception | AssertionError e) {
            if (pending == null) {
                throw new AssertionError(fault + " over " + proto + ": " + e.getMessage(), e);
            }
            courier.expectActiveConnections(); // what the other branch fixes may include a leased connection
            Assumptions.abort("pending branch " + pending + " (FaultCatalogue.PENDING_OTHER_BRANCH): " + e);
        }
        if (pending != null) {
            fail(fault + " over " + proto + " passes now: remove it from FaultCatalogue.PENDING_OTHER_BRANCH ("
                    + pending + ") and regenerate docs/FAULT-MATRIX.md (-D" + WRITE_PROPERTY + "=true)");
        }
    }

    @Test
    void theDocumentIsTheSuitesTable() throws IOException {
        Path doc = repositoryRoot().resolve("docs").resolve("FAULT-MATRIX.md");
        String expected = FaultCatalogue.render();
        if (Boolean.getBoolean(WRITE_PROPERTY)) {
            Files.createDirectories(doc.getParent());
            Files.writeString(doc, expected, StandardCharsets.UTF_8);
            return;
        }
        String actual = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
        if (!actual.equals(expected)) {
            fail(doc + " differs from the fault matrix the suite asserts; regenerate it with\n"
                    + "  mvn -B -ntp -pl client-core test -Dtest=FaultMatrixTest -D" + WRITE_PROPERTY + "=true\n"
                    + "and commit it. First difference:\n" + firstDifference(actual, expected));
        }
    }

    /** The directory holding the parent pom, above client-core (surefire runs in the module's directory). */
    private static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("client-core")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (with client-core/ and pom.xml) above " + dir);
    }

    private static String firstDifference(String actual, String expected) {
        List<String> a = actual.lines().toList();
        List<String> e = expected.lines().toList();
        for (int i = 0; i < Math.max(a.size(), e.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<end of file>";
            String y = i < e.size() ? e.get(i) : "<end of file>";
            if (!x.equals(y)) {
                return "line " + (i + 1) + "\n- file:  " + x + "\n+ suite: " + y;
            }
        }
        return "(line endings)";
    }
}
