package dev.courier.http.internal.body;

import dev.courier.http.BodyLimitException;
import dev.courier.http.ServerSentEvent;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Interprets the lines of a {@code text/event-stream} exactly as WHATWG HTML section 9.2.6 ("Interpreting
 * an event stream") says, with the lines split by {@link LineDecoder} (UTF-8, BOM dropped, CR, LF or CR LF):
 * <ul>
 *   <li>a blank line dispatches the event; a line starting with {@code :} is a comment;
 *   <li>otherwise the field name is the text before the first {@code :} (the whole line if none) and the
 *       value the text after it, less one leading space;
 *   <li>{@code event} sets the type; {@code data} appends the value and an LF to the data buffer;
 *       {@code id} sets the last event ID unless the value contains NUL; {@code retry} sets the
 *       reconnection time if the value is ASCII digits only; other fields are ignored;
 *   <li>dispatch sets the last event ID, and if the data buffer is empty only clears the buffers;
 *       otherwise one trailing LF is dropped and the event (type "message" when none was set) is emitted;
 *       the type and data buffers are cleared, the last event ID carries over;
 *   <li>at the end of the stream an incomplete event is discarded, not dispatched.
 * </ul>
 * The data buffer is capped at {@code maxEventSize} chars, so that a stream that never sends a blank line
 * cannot grow it without bound. Not thread-safe: one per body.
 */
public final class EventStreamParser {
    private final int maxEventSize;
    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private String lastEventId = "";
    private Duration retry;

    /** @param maxEventSize the most chars of data one event may carry */
    public EventStreamParser(int maxEventSize) {
        this.maxEventSize = maxEventSize;
    }

    /** Processes one line; a dispatched event goes to {@code out}. */
    public void line(String line, Consumer<ServerSentEvent> out) throws BodyLimitException {
        if (line.isEmpty()) {
            dispatch(out);
            return;
        }
        if (line.charAt(0) == ':') {
            return; // a comment (keep-alive pings are sent so)
        }
        int colon = line.indexOf(':');
        String field;
        String value;
        if (colon < 0) {
            field = line;
            value = "";
        } else {
            field = line.substring(0, colon);
            int start = colon + 1 < line.length() && line.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
            value = line.substring(start);
        }
        switch (field) {
            case "event":
                type = value;
                break;
            case "data":
                if (data.length() + value.length() + 1 > maxEventSize) {
                    throw new BodyLimitException(BodyLimitException.Limit.EVENT_SIZE, maxEventSize,
                            "an event of the stream has more than " + maxEventSize + " chars of data");
                }
                data.append(value).append('\n');
                break;
            case "id":
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
                break;
            case "retry":
                Duration d = digits(value);
                if (d != null) {
                    retry = d;
                }
                break;
            default:
                break; // unknown fields are ignored
        }
    }

    /** The stream ended: a pending event is discarded (WHATWG: "any pending data must be discarded"). */
    public void end() {
        data.setLength(0);
        type = "";
    }

    private void dispatch(Consumer<ServerSentEvent> out) {
        if (data.length() == 0) {
            type = "";
            return;
        }
        data.setLength(data.length() - 1); // the LF after the last data line
        ServerSentEvent event = new ServerSentEvent(type.isEmpty() ? "message" : type, data.toString(), lastEventId, retry);
        data.setLength(0);
        type = "";
        out.accept(event);
    }

    /** A retry value in milliseconds: ASCII digits only (not empty), else null; one too large for a long is ignored too. */
    private static Duration digits(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        return Duration.ofMillis(Long.parseLong(value));
    }
}
