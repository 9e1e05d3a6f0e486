package dev.courier.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a {@code text/event-stream} (WHATWG HTML, "Server-sent events"), as
 * {@link ResponseBody#events()} dispatches it: its type, its data, the stream's last event ID and the
 * reconnection time the stream set, if any.
 *
 * <p>Reconnecting is left to the caller: when the stream ends or fails, send the request again with
 * {@code Last-Event-ID: } {@link #lastEventId()} of the last event received (when it is not empty),
 * after {@link #retry()} or a delay of your choice.
 */
public final class ServerSentEvent {
    private final String type;
    private final String data;
    private final String lastEventId;
    private final Duration retry;

    /**
     * An event.
     *
     * @param type        the event type, "message" when the stream named none
     * @param data        the data lines joined with LF
     * @param lastEventId the stream's last event ID when the event was dispatched, "" for none
     * @param retry       the reconnection time the stream last set, or null
     */
    public ServerSentEvent(String type, String data, String lastEventId, Duration retry) {
        this.type = Objects.requireNonNull(type, "type");
        this.data = Objects.requireNonNull(data, "data");
        this.lastEventId = Objects.requireNonNull(lastEventId, "lastEventId");
        this.retry = retry;
    }

    /**
     * The event type: the {@code event} field's value, or {@code "message"} when the event had none.
     *
     * @return the type
     */
    public String type() {
        return type;
    }

    /**
     * The data: the values of the event's {@code data} fields joined with LF.
     *
     * @return the data, never null
     */
    public String data() {
        return data;
    }

    /**
     * The last event ID: the value of the latest {@code id} field of the stream so far (it carries over to
     * the events after it), "" when there was none. Send it as {@code Last-Event-ID} when reconnecting.
     *
     * @return the last event ID, never null
     */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * The reconnection time the stream set with its latest valid {@code retry} field, if any.
     *
     * @return the time to wait before reconnecting, or empty
     */
    public Optional<Duration> retry() {
        return Optional.ofNullable(retry);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ServerSentEvent)) {
            return false;
        }
        ServerSentEvent e = (ServerSentEvent) o;
        return type.equals(e.type) && data.equals(e.data) && lastEventId.equals(e.lastEventId) && Objects.equals(retry, e.retry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, data, lastEventId, retry);
    }

    @Override
    public String toString() {
        return "ServerSentEvent[type=" + type + ", data=" + data + ", lastEventId=" + lastEventId
                + (retry == null ? "" : ", retry=" + retry.toMillis() + " ms") + "]";
    }
}
