package dev.courier.http.faultmatrix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every fault of the matrix, in table order, the cells still waiting for another branch, and the Markdown table
 * (docs/FAULT-MATRIX.md) rendered from them.
 */
final class FaultCatalogue {
    /**
     * Cells whose expected outcome is the right one (issue 12) but which fail until another helper's branch is
     * merged: fault name, protocol, branch. The suite runs them and reports them as skipped while they fail, and fails
     * once one passes, so that the lead removes it here after merging that branch.
     */
    static final Map<String, Map<Proto, String>> PENDING_OTHER_BRANCH = Map.of();

    /** The faults, grouped by area in the order of {@link Fault.Area}, each group in its file's order. */
    static final List<Fault> FAULTS = collect();

    private FaultCatalogue() {
    }

    private static List<Fault> collect() {
        List<Fault> all = new ArrayList<>();
        all.addAll(ConnectionFaults.all());
        all.addAll(WriteFaults.all());
        all.addAll(ResponseFaults.all());
        all.addAll(Http2Faults.all());
        all.addAll(ConsumerFaults.all());
        all.addAll(CancelFaults.all());
        all.addAll(ProxyFaults.all());
        all.sort(Comparator.comparing(f -> f.area)); // stable: each area keeps its file's order
        Set<String> names = new HashSet<>();
        for (Fault f : all) {
            if (!names.add(f.name)) {
                throw new IllegalStateException("two faults named " + f.name);
            }
        }
        for (Map.Entry<String, Map<Proto, String>> e : PENDING_OTHER_BRANCH.entrySet()) {
            Fault f = all.stream().filter(x -> x.name.equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("PENDING_OTHER_BRANCH names no fault " + e.getKey()));
            for (Proto p : e.getValue().keySet()) {
                if (!f.appliesTo(p)) {
                    throw new IllegalStateException("PENDING_OTHER_BRANCH: " + f.name + " does not apply to " + p);
                }
            }
        }
        return List.copyOf(all);
    }

    /** The branch whose merge a cell waits for, or null. */
    static String pendingBranch(Fault f, Proto p) {
        Map<Proto, String> cells = PENDING_OTHER_BRANCH.get(f.name);
        return cells == null ? null : cells.get(p);
    }

    /** docs/FAULT-MATRIX.md as the suite's data says it must read. */
    static String render() {
        int cells = 0;
        int pending = 0;
        for (Fault f : FAULTS) {
            for (Proto p : Proto.values()) {
                if (f.appliesTo(p)) {
                    cells++;
                    pending += pendingBranch(f, p) != null ? 1 : 0;
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# Fault matrix\n\n");
        sb.append("<!-- Generated from client-core/src/test/java/dev/courier/http/faultmatrix by FaultMatrixTest, which\n"
                + "     fails when this file differs. Do not edit; regenerate with\n"
                + "     mvn -B -ntp -pl client-core test -Dtest=FaultMatrixTest -Dcourier.faultMatrix.write=true -->\n\n");
        sb.append("What a request ends in when each fault strikes, over HTTP/1.1, HTTP/1.1 over TLS and HTTP/2 (issue 12, "
                + "\"Reliability proof\"). Every cell is a case of `FaultMatrixTest`, run against the scriptable test "
                + "servers and proxies on loopback, which asserts the outcome written here and, after the case, that "
                + "every future completed within its bound (the fault's timeout, 100-300 ms, plus a margin), that no "
                + "connection is left leased or waiting in `Transport.stats()`, and that Netty's leak detector "
                + "(PARANOID) reported no LEAK.\n\n");
        sb.append(FAULTS.size()).append(" faults, ").append(cells).append(" cells");
        if (pending > 0) {
            sb.append(" (").append(pending).append(" pending another branch)");
        }
        sb.append(".\n\n");
        sb.append("How to read a cell: `PHASE` is the `RequestException`'s phase (of the call, or of reading the body for "
                + "`READ_BODY`), \"timeout\" that `isTimeout()` is true, quoted text a fragment of its message, "
                + "(Type) an exception in its cause chain; \"after 1 retry\" that the Transport retried once "
                + "(`ClientTrace.retrying`), 0 otherwise; what follows \";\" is what became of the connection or "
                + "stream, as the case checked it. \"n/a\": the fault does not exist over that protocol. \"pending\": "
                + "the outcome shown is the right one, and the named branch makes it so.\n");
        Fault.Area area = null;
        for (Fault f : FAULTS) {
            if (f.area != area) {
                area = f.area;
                sb.append("\n## ").append(area.title).append("\n\n");
                sb.append("| Fault | What happens |");
                for (Proto p : Proto.values()) {
                    sb.append(' ').append(p.title).append(" |");
                }
                sb.append("\n|---|---|");
                for (int i = 0; i < Proto.values().length; i++) {
                    sb.append("---|");
                }
                sb.append('\n');
            }
            sb.append("| `").append(f.name).append("` | ").append(f.description).append(" |");
            for (Proto p : Proto.values()) {
                Outcome o = f.expected(p);
                String branch = pendingBranch(f, p);
                sb.append(' ').append(o == null ? "n/a" : o.cell())
                        .append(branch == null ? "" : " **(pending `" + branch + "`)**").append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
