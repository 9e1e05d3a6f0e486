package dev.courier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.http.testing.RecordedRequest;
import dev.courier.http.testing.ServerResponse;
import dev.courier.http.testing.TestCertificates;
import dev.courier.http.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs Courier as named modules: compiles the application in {@code src/jpms} against the built jars on a
 * module path, launches it with {@code java --module-path ... --module}, and checks that it made an https
 * request to a loopback server on BoringSSL. This proves the module descriptors the unit tests cannot (they
 * run on the class path): every {@code requires} resolves, the API packages are exported and the internals
 * are not, and {@code dev.courier.http.tls} is bound to {@code dev.courier.http}'s {@code uses} clause
 * without the application naming it. Every published module of the reactor must be a named module here.
 */
class JpmsIT {
    /** Test tooling on this module's test class path that an application would not have. */
    private static final Pattern NOT_A_USERS_JAR = Pattern.compile(
            "(junit-|opentest4j-|apiguardian-|assertj-|blockhound-|byte-buddy|netty-pkitesting-|bc[a-z]+-jdk).*");

    @TempDir
    Path dir;

    @Test
    void courierRunsOnTheModulePathWithBoringSslFoundByServiceBinding() throws Exception {
        List<Path> modulePath = usersModulePath();
        Map<String, ModuleDescriptor> published = publishedModules(modulePath);
        assertThat(published.keySet()).contains("dev.courier.http", "dev.courier.http.tls",
                "dev.courier.http.micrometer", "dev.courier.http.opentelemetry");
        for (ModuleDescriptor d : published.values()) {
            assertThat(d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source))
                    .as("packages %s exports to everyone", d.name())
                    .isNotEmpty().noneMatch(p -> p.contains(".internal"));
        }

        long t0 = System.nanoTime();
        Path app = compileApp(modulePath);
        System.out.printf("JpmsIT: javac took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        TestCertificates certs = TestCertificates.get();
        try (TestServer server = TestServer.startTls(certs.server())) {
            server.enqueue(ServerResponse.ok("hello from the module path"));
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // The TLS engine line is DEBUG (the CLI and services stay quiet at INFO).
                    "-Dorg.slf4j.simpleLogger.log.dev.courier=debug",
                    "--module-path", app + File.pathSeparator + join(modulePath),
                    // Courier logs through Netty's logger, which uses SLF4J when the module is resolved: no
                    // Courier module requires it, so an application that logs with SLF4J resolves it (and its
                    // provider, slf4j-simple here, comes by service binding).
                    "--add-modules", String.join(",", nativeModules(modulePath)) + ",org.slf4j",
                    "--module", "dev.courier.examples.jpms/dev.courier.examples.jpms.JpmsApp",
                    server.uri("/jpms").toString(), certs.caPem(dir).toString()));
            t0 = System.nanoTime();
            Run run = run(command);
            System.out.printf("JpmsIT: the application ran in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(run.exit()).as("exit status; stderr:%n%s%nstdout:%n%s", run.err(), run.out()).isZero();

            TreeSet<String> expected = new TreeSet<>(published.keySet());
            expected.add("dev.courier.examples.jpms");
            assertThat(line(run, "modules=")).as("the Courier modules in the boot layer: every published module, "
                    + "dev.courier.http.tls by service binding").isEqualTo(expected.toString());
            assertThat(line(run, "exports="))
                    .isEqualTo("[dev.courier.http, dev.courier.http.internal.tls to [dev.courier.http.tls]]");
            assertThat(line(run, "reads-internal=")).as("reads dev.courier.http / sees its internal package")
                    .isEqualTo("true/false");
            assertThat(line(run, "engine=")).as("client-tls found by service binding, its native library loaded")
                    .isEqualTo("BORINGSSL");
            assertThat(run.err()).as("the Transport's DEBUG line (slf4j-simple, bound as a service too)")
                    .contains("TLS engine: BoringSSL (OpenSSL").doesNotContain("unknown version");
            assertThat(line(run, "status=")).isEqualTo("200 protocol=HTTP/1.1 body=hello from the module path");
            assertThat(line(run, "timer-count=")).isEqualTo("1");
            RecordedRequest r = server.takeRequest();
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).isEqualTo("/jpms");
        }
    }

    /**
     * The jars an application depending on Courier's published modules has: this module's test class path
     * (which holds them and their dependencies) without the test tooling and test-jars.
     */
    private static List<Path> usersModulePath() {
        List<Path> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(Pattern.quote(File.pathSeparator))) {
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (Files.isRegularFile(p) && name.endsWith(".jar") && !name.endsWith("-tests.jar")
                    && !NOT_A_USERS_JAR.matcher(name).matches()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Each published module of the reactor (the root pom's modules that BomTest counts as published), as its
     * jar on the module path describes it; fails when one is missing or is not an explicit module.
     */
    private static Map<String, ModuleDescriptor> publishedModules(List<Path> modulePath) throws IOException {
        String rootPom = Files.readString(Path.of("..", "pom.xml").toAbsolutePath().normalize());
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(rootPom);
        Map<String, ModuleDescriptor> out = new TreeMap<>();
        while (m.find()) {
            String artifact = m.group(1).trim();
            if (BomTest.NOT_PUBLISHED.contains(artifact)) {
                continue;
            }
            Path jar = modulePath.stream().filter(p -> p.getFileName().toString().matches(
                    Pattern.quote(artifact) + "-\\d.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError(artifact + " is not on client-examples' test class path: "
                            + "add it there as a test dependency, and require its module in src/jpms"));
            ModuleDescriptor d = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
            assertThat(d.isAutomatic()).as("%s has no module-info.java (src/main/java)", artifact).isFalse();
            assertThat(d.name()).as("module name of %s", artifact).startsWith("dev.courier.http");
            out.put(d.name(), d);
        }
        return out;
    }

    /** The platform jars with Netty's native libraries; no module requires them, so they are added by name. */
    private static Set<String> nativeModules(List<Path> modulePath) {
        Set<String> names = ModuleFinder.of(modulePath.toArray(Path[]::new)).findAll().stream()
                .map(ModuleReference::descriptor).map(ModuleDescriptor::name)
                .filter(n -> n.startsWith("io.netty.internal.tcnative.openssl.") || n.startsWith("io.netty.transport.epoll."))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(names).as("native modules on the module path").isNotEmpty();
        return names;
    }

    /** Compiles {@code src/jpms/java} (module dev.courier.examples.jpms) against the module path. */
    private Path compileApp(List<Path> modulePath) throws IOException {
        Path out = dir.resolve("app");
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--module-path", join(modulePath),
                "-Xlint:all", "-Werror"));
        try (var files = Files.walk(Path.of("src", "jpms", "java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler").isNotNull();
        var err = new java.io.ByteArrayOutputStream();
        int status = javac.run(null, null, err, args.toArray(String[]::new));
        assertThat(status).as("javac %s%n%s", args, err.toString(StandardCharsets.UTF_8)).isZero();
        return out;
    }

    private static String join(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /** The rest of the first stdout line that starts with {@code prefix}. */
    private static String line(Run run, String prefix) {
        return run.out().lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no line " + prefix + " in:\n" + run.out()
                        + "\nstderr:\n" + run.err()));
    }

    /** What the application printed and returned. */
    record Run(int exit, String out, String err) {
    }

    private Run run(List<String> command) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the module-path application did not exit within 120 s: " + command
                    + "\n" + Files.readString(out) + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
