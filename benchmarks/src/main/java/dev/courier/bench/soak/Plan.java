package dev.courier.bench.soak;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One soak request, drawn from the seed: protocol, {@link Kind} (clean, or a fault with the configured
 * probability), the size of the body the server sends, the size of an upload (-1: a GET), and how the caller
 * consumes the response.
 *
 * <p>Sizes are 0 for one request in 20 and otherwise log-uniform from 1 byte to 1 MiB: every size up to 1 MiB
 * occurs, most bodies are small as in real traffic (the median is 1 KiB, 90 % are under 256 KiB), and the mean,
 * about 74 KiB, keeps a million requests within the hour on two cores; a uniform draw would average 512 KiB.
 */
record Plan(long id, Proto proto, Kind kind, long size, long upload, Consumer consumer, int cancelAfter) {

    /** How the caller treats the response. */
    enum Consumer {
        /** Subscribes and requests everything; checks every byte. */
        STREAM,
        /** Requests one buffer at a time, each after a random 0-2 ms on a scheduler thread; checks every byte. */
        SLOW,
        /** Requests one buffer at a time and cancels after a random number of them (0: in onSubscribe). */
        CANCEL,
        /** {@code body().bytes()}; checks every byte. */
        BYTES,
        /** {@code close()} at once, body unread. */
        CLOSE_UNREAD,
        /** Drops the response unread and unclosed: Courier finds it when it is garbage-collected. */
        ABANDON
    }

    static final long MAX_SIZE = 1 << 20;

    /** Draws the plans of a run, in order, on one thread. */
    static final class Planner {
        private final SplittableRandom random;
        private final double faultRate;
        private final List<List<Kind>> faultsByProto;

        private final List<Proto> protos;

        /**
         * Plans over {@code protos} with faults of {@code kinds} (both: all when empty), for narrowing a finding
         * down; a soak uses all.
         */
        Planner(long seed, double faultRate, java.util.Set<Proto> protos, java.util.Set<Kind> kinds) {
            this.random = new SplittableRandom(seed);
            this.faultRate = faultRate;
            this.protos = java.util.Arrays.stream(Proto.values()).filter(p -> protos.isEmpty() || protos.contains(p))
                    .toList();
            this.faultsByProto = java.util.Arrays.stream(Proto.values()).map(p -> Kind.faults(p).stream()
                    .filter(k -> kinds.isEmpty() || kinds.contains(k)).toList()).toList();
        }

        Plan next(long id) {
            Proto proto = protos.get(random.nextInt(protos.size()));
            List<Kind> faults = faultsByProto.get(proto.ordinal());
            if (random.nextDouble() < faultRate && !faults.isEmpty()) {
                Kind kind = faults.get(random.nextInt(faults.size()));
                return new Plan(id, proto, kind, 0, -1, Consumer.STREAM, 0);
            }
            long size = size();
            long upload = random.nextDouble() < 0.2 ? size() : -1;
            double c = random.nextDouble();
            Consumer consumer = c < 0.50 ? Consumer.STREAM : c < 0.70 ? Consumer.SLOW : c < 0.85 ? Consumer.CANCEL
                    : c < 0.93 ? Consumer.BYTES : c < 0.99 ? Consumer.CLOSE_UNREAD : Consumer.ABANDON;
            return new Plan(id, proto, Kind.CLEAN, size, upload, consumer, random.nextInt(17));
        }

        private long size() {
            if (random.nextInt(20) == 0) {
                return 0;
            }
            return Math.min(MAX_SIZE, (long) Math.pow(2, random.nextDouble() * 20.0 + 1e-9));
        }
    }

    @Override
    public String toString() {
        return "#" + id + " " + proto.label + " " + kind + " size=" + size + (upload >= 0 ? " upload=" + upload : "")
                + " " + consumer + (consumer == Consumer.CANCEL ? "@" + cancelAfter : "");
    }
}
