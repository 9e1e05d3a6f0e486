package dev.courier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The courier tool's log level: WARN unless {@code -v} asks for INFO, and a level set with {@code -D} stands.
 * The runs of the real jar (CourierToolIT) check what a user sees on standard error.
 */
class LogLevelTest {

    private static String levelFor(Properties p, String... args) {
        Main.configureLogging(args, p);
        return p.getProperty(Main.LOG_LEVEL);
    }

    @Test
    void quietUnlessVerbose() {
        assertThat(levelFor(new Properties(), "http://127.0.0.1:1/")).isEqualTo("warn");
        assertThat(levelFor(new Properties(), "-v", "http://127.0.0.1:1/")).isEqualTo("info");
        assertThat(levelFor(new Properties(), "--verbose", "http://127.0.0.1:1/")).isEqualTo("info");
        assertThat(levelFor(new Properties(), "demo")).isEqualTo("warn");
    }

    @Test
    void aHeaderValueThatLooksLikeTheFlagIsNotTheFlag() {
        assertThat(levelFor(new Properties(), "-H", "X-Flag: -v", "-d", "-v", "http://127.0.0.1:1/")).isEqualTo("warn");
    }

    @Test
    void badArgumentsLeaveItQuiet() {
        assertThat(levelFor(new Properties(), "--no-such-option", "-v")).isEqualTo("warn");
    }

    @Test
    void aLevelGivenOnTheCommandLineStands() {
        Properties p = new Properties();
        p.setProperty(Main.LOG_LEVEL, "debug");
        assertThat(levelFor(p, "http://127.0.0.1:1/")).isEqualTo("debug");
    }
}
