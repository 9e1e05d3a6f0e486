package dev.courier.http.internal.body;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The Reactive Streams TCK (Flow flavour, TestNG on the JUnit Platform) against {@link TextPublisher}, the
 * publisher behind ResponseBody.lines() and events(): a publisher of N lines reads N one-line sources.
 */
public class TextPublisherTckTest extends FlowPublisherVerification<String> {
    public TextPublisherTckTest() {
        super(new TestEnvironment(TckSources.DEFAULT_TIMEOUT_MILLIS, TckSources.NO_SIGNALS_TIMEOUT_MILLIS));
    }

    @Override
    public Flow.Publisher<String> createFlowPublisher(long elements) {
        return TckSources.lines(TckSources.sequence(elements, "line\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Flow.Publisher<String> createFailedFlowPublisher() {
        return TckSources.lines(TckSources.failing());
    }

    @Override
    public long maxElementsFromPublisher() {
        return TckSources.MAX_ELEMENTS;
    }
}
