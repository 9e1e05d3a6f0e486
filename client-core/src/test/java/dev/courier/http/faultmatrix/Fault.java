package dev.courier.http.faultmatrix;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One kind of fault in the matrix: its name and area, what the server or the environment does (one sentence, the
 * table's description), the scenario that scripts it and drives a request into it, and the expected
 * {@link Outcome} for each protocol it applies to (a protocol without one is "n/a").
 */
final class Fault {
    /** Scripts the fault for {@code env}'s protocol, drives the client into it, and reports what happened. */
    @FunctionalInterface
    interface Scenario {
        Observed run(Env env) throws Exception;
    }

    /** The sections of the table, in order. */
    enum Area {
        CONNECT("Connecting"),
        TLS("TLS handshake"),
        WRITE("Writing the request"),
        HEAD("Response head"),
        BODY("Response body"),
        HTTP2("HTTP/2 connection and streams"),
        CONSUMER("The body's consumer"),
        CANCEL("Cancellation"),
        POOL("Pool"),
        PROXY("Proxies");

        final String title;

        Area(String title) {
            this.title = title;
        }
    }

    final String name;
    final Area area;
    final String description;
    private final Map<Proto, Outcome> expected;
    private final Scenario scenario;

    private Fault(String name, Area area, String description, Map<Proto, Outcome> expected, Scenario scenario) {
        this.name = name;
        this.area = area;
        this.description = description;
        this.expected = expected;
        this.scenario = scenario;
    }

    static Builder of(String name, Area area, String description) {
        return new Builder(name, area, description);
    }

    /** The expected outcome over {@code p}, or null when the fault does not apply to it. */
    Outcome expected(Proto p) {
        return expected.get(p);
    }

    boolean appliesTo(Proto p) {
        return expected.containsKey(p);
    }

    Observed run(Env env) throws Exception {
        return scenario.run(env);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Collects the expectations, then the scenario. */
    static final class Builder {
        private final String name;
        private final Area area;
        private final String description;
        private final Map<Proto, Outcome> expected = new EnumMap<>(Proto.class);

        private Builder(String name, Area area, String description) {
            this.name = Objects.requireNonNull(name);
            this.area = Objects.requireNonNull(area);
            this.description = Objects.requireNonNull(description);
        }

        /** Over every protocol: {@code outcome}. */
        Builder all(Outcome outcome) {
            return on(outcome, Proto.values());
        }

        /** Over these protocols: {@code outcome}. */
        Builder on(Outcome outcome, Proto... protos) {
            for (Proto p : protos) {
                if (expected.put(p, outcome) != null) {
                    throw new IllegalStateException(name + ": two outcomes for " + p);
                }
            }
            return this;
        }

        Fault run(Scenario scenario) {
            if (expected.isEmpty()) {
                throw new IllegalStateException(name + " applies to no protocol");
            }
            return new Fault(name, area, description, Collections.unmodifiableMap(new EnumMap<>(expected)),
                    Objects.requireNonNull(scenario));
        }
    }
}
