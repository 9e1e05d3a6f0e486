package dev.courier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void showsPercentSizesRateAndEta() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 4L << 20);
        bar.advance(1L << 20);
        String line = bar.line(System.nanoTime());
        assertThat(line).startsWith("[").contains(" 25% ").contains("1.0 MiB / 4.0 MiB").contains("/s").contains("ETA ");
    }

    @Test
    void withoutALengthShowsBytesAndRateOnly() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), -1);
        bar.advance(1536);
        assertThat(bar.line(System.nanoTime())).startsWith("1.5 KiB").doesNotContain("%").doesNotContain("ETA");
    }

    @Test
    void humanSizes() {
        assertThat(ProgressBar.human(999)).isEqualTo("999 B");
        assertThat(ProgressBar.human(3L << 30)).isEqualTo("3.0 GiB");
    }
}
