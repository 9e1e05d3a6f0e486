package dev.courier.http.micrometer;

import dev.courier.http.Request;
import dev.courier.http.Response;
import io.micrometer.observation.transport.RequestReplySenderContext;

/**
 * The context of one observed exchange: the request (its builder is the carrier that a tracing handler
 * writes its propagation headers into when the observation starts), the request as sent, and the
 * response once its head arrived. The error, if any, is the observation's.
 */
public class CourierObservationContext extends RequestReplySenderContext<Request.Builder, Response> {
    private final Request original;
    private Request request;

    /**
     * A context for one exchange of {@code request}; its carrier is a builder of that request.
     *
     * @param request the request as the caller gave it
     */
    public CourierObservationContext(Request request) {
        super((builder, name, value) -> {
            if (builder != null) {
                builder.setHeader(name, value);
            }
        });
        this.original = request;
        this.request = request;
        setCarrier(request.toBuilder());
        setRemoteServiceAddress(request.uri().getScheme() + "://" + request.uri().getHost() + ":" + request.port());
    }

    /** {@return the request as the caller gave it, before propagation headers} */
    public Request originalRequest() {
        return original;
    }

    /** {@return the request as sent (with propagation headers, once the observation started)} */
    public Request request() {
        return request;
    }

    void sent(Request sent) {
        this.request = sent;
    }
}
