package dev.courier.http.testing;

import java.util.stream.IntStream;

/**
 * The stress mode of tests that guard a rare race: {@code -Dcourier.stress.repeat=N} runs each such test N
 * times in one JVM (default once, as CI runs it). Use it as
 * {@code @ParameterizedTest(name = "run {0}") @MethodSource("dev.courier.http.testing.Stress#repeats")}.
 */
public final class Stress {
    /** The system property naming how many times a stress test runs. */
    public static final String REPEAT_PROPERTY = "courier.stress.repeat";

    private Stress() {
    }

    /** 1..N for the property's N (at least 1). */
    public static IntStream repeats() {
        return IntStream.rangeClosed(1, Math.max(1, Integer.getInteger(REPEAT_PROPERTY, 1)));
    }
}
