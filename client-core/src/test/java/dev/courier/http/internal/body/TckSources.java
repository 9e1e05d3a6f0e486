package dev.courier.http.internal.body;

import dev.courier.http.BodyLimitException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** In-memory publishers for the TCK tests of this package: N elements are N small sources in a sequence. */
final class TckSources {
    static final long DEFAULT_TIMEOUT_MILLIS = 2000;
    static final long NO_SIGNALS_TIMEOUT_MILLIS = 200;
    static final int MAX_ELEMENTS = 512;

    private TckSources() {
    }

    /** {@code n} sources of {@code each}, one after another. */
    static SequencePublisher sequence(long n, byte[] each) {
        List<Supplier<Flow.Publisher<ByteBuffer>>> sources = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            sources.add(new BytesRequestBody(each, 0, each.length)::publisher);
        }
        return new SequencePublisher(sources);
    }

    /** A sequence whose first source cannot be made: it fails at once. */
    static SequencePublisher failing() {
        List<Supplier<Flow.Publisher<ByteBuffer>>> sources = new ArrayList<>();
        sources.add(() -> {
            throw new IllegalStateException("this source cannot be made");
        });
        return new SequencePublisher(sources);
    }

    /** The lines of {@code bytes}, as ResponseBody.lines() makes them. */
    static TextPublisher<String> lines(Flow.Publisher<ByteBuffer> bytes) {
        return new TextPublisher<>(bytes,
                () -> new LineDecoder(StandardCharsets.UTF_8, 100, true, false, BodyLimitException.Limit.LINE_LENGTH),
                () -> new TextPublisher.Framer<String>() {
                    @Override
                    public void line(String line, Consumer<String> out) {
                        out.accept(line);
                    }

                    @Override
                    public void end(Consumer<String> out) {
                    }
                },
                (detail, cause) -> cause);
    }
}
