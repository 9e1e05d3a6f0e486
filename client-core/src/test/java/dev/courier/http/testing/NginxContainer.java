package dev.courier.http.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.nio.file.Path;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The {@link Nginx} fixture's fallback for contributors without Debian's nginx but with a Docker engine:
 * the official nginx image runs the same configuration from the fixture's directory (mounted at the same
 * path), its two ports published on 127.0.0.1 only. Loaded only when the binary is missing, so the suite
 * never touches Docker where nginx is installed (as in CI here, where no Docker engine runs).
 */
final class NginxContainer implements AutoCloseable {
    /** An nginx recent enough for the {@code http2 on} directive. */
    static final String IMAGE = "nginx:1.27-alpine";
    static final String VERSION = "1.27.0";

    private final GenericContainer<?> container;

    /** Whether a Docker engine answers (Testcontainers' own probe, which also reads DOCKER_HOST). */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Starts the image with {@code dir}'s nginx.conf, publishing the container's ports on the same host ports. */
    @SuppressWarnings("resource")
    NginxContainer(Path dir, int h2Port, int http1Port) {
        String d = dir.toString();
        container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withFileSystemBind(d, d, BindMode.READ_WRITE)
                .withExposedPorts(h2Port, http1Port)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", h2Port), ExposedPort.tcp(h2Port)),
                        new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", http1Port), ExposedPort.tcp(http1Port))))
                .withCommand("nginx", "-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log")
                .withStartupTimeout(Duration.ofSeconds(60));
        container.start();
    }

    boolean isRunning() {
        return container.isRunning();
    }

    @Override
    public void close() {
        container.stop();
    }
}
