package dev.courier.http.micrometer;

import dev.courier.http.Request;
import dev.courier.http.Response;
import io.micrometer.common.KeyValues;
import java.util.Locale;

/**
 * The default {@link CourierObservationConvention}, following Spring's
 * {@code DefaultClientRequestObservationConvention}: observation {@value #NAME} (so the timer it makes
 * is the same as {@link CourierMetrics}'), contextual name {@code http get}, low-cardinality keys
 * {@code method}, {@code uri} (the {@link UriTemplate} attribute, else {@code none}), {@code status}
 * ({@code IO_ERROR} without a response), {@code outcome}, {@code exception}, {@code host},
 * {@code protocol}; high-cardinality key {@code http.url} (without password).
 */
public class DefaultCourierObservationConvention implements CourierObservationConvention {
    /** The observation's name, and so its timer's: {@value}. */
    public static final String NAME = CourierMetrics.REQUESTS;

    /** The shared instance. */
    public static final DefaultCourierObservationConvention INSTANCE = new DefaultCourierObservationConvention();

    /**
     * A convention with the defaults above; subclass it to change some keys and keep the others, else use
     * {@link #INSTANCE}.
     */
    public DefaultCourierObservationConvention() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(CourierObservationContext context) {
        return "http " + context.originalRequest().method().toLowerCase(Locale.ROOT);
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(CourierObservationContext context) {
        Request request = context.originalRequest();
        Response response = context.getResponse();
        UriTemplate template = request.attribute(UriTemplate.class);
        return KeyValues.of(
                "method", request.method(),
                "uri", template == null ? HttpTags.NONE : template.value(),
                "status", HttpTags.status(response),
                "outcome", HttpTags.outcome(response).name(),
                "exception", HttpTags.exception(context.getError()),
                "host", HttpTags.host(request),
                "protocol", HttpTags.protocol(response));
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(CourierObservationContext context) {
        return KeyValues.of("http.url", context.originalRequest().redactedUri());
    }
}
