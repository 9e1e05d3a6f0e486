package dev.courier.http.internal.body;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The Reactive Streams TCK (Flow flavour, TestNG on the JUnit Platform) against {@link SequencePublisher}, the
 * publisher of a multipart body: demand carried from one source to the next, cancellation, errors.
 */
public class SequencePublisherTckTest extends FlowPublisherVerification<ByteBuffer> {
    public SequencePublisherTckTest() {
        super(new TestEnvironment(TckSources.DEFAULT_TIMEOUT_MILLIS, TckSources.NO_SIGNALS_TIMEOUT_MILLIS));
    }

    @Override
    public Flow.Publisher<ByteBuffer> createFlowPublisher(long elements) {
        return TckSources.sequence(elements, new byte[] {1});
    }

    @Override
    public Flow.Publisher<ByteBuffer> createFailedFlowPublisher() {
        return TckSources.failing();
    }

    @Override
    public long maxElementsFromPublisher() {
        return TckSources.MAX_ELEMENTS;
    }
}
