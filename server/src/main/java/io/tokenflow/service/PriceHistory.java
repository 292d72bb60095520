package io.tokenflow.service;

import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.NodePrice;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The prices of every origin × class at the last N published versions, with when and why each was
 * made, oldest first.
 *
 * <p><b>Memory.</b> A version keeps only what PriceHistory answers, in flat arrays: six doubles and
 * a serving-node index per origin × class (no NodePrice objects, paths or strings), plus its causes.
 * The ids are kept once per layout and shared while the node and class lists stay the same, and a
 * version that moves no price shares the previous version's arrays. So a twenty-node, four-class
 * version costs about 4.4 KB and the default 4096 versions about 18 MB, measured (docs/oracle.md).
 *
 * <p>Thread-safe: one lock, held by the publisher to append and by readers only to copy out the
 * entries they want (references, at most N); points are built outside it, so a reader delays a publish
 * by microseconds at most.
 */
final class PriceHistory {
    /** Doubles kept per origin × class: price, energy, scarcity, routing, congestion, unserved penalty. */
    private static final int FIELDS = 6;
    private static final int NOT_SERVED = -1;

    /** The node and class ids of a version, and where each origin × class sits in its arrays. */
    private record Layout(List<String> nodeIds, List<String> classIds, Map<String, Integer> nodeIndex,
            Map<String, Integer> classIndex) {

        static Layout of(Scenario scenario) {
            List<String> nodes = scenario.nodes().stream().map(ComputeNode::id).toList();
            List<String> classes = scenario.classes().stream().map(WorkloadClass::id).toList();
            return new Layout(nodes, classes, indexOf(nodes), indexOf(classes));
        }

        private static Map<String, Integer> indexOf(List<String> ids) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                index.put(ids.get(i), i);
            }
            return Map.copyOf(index);
        }

        boolean sameIds(Scenario scenario) {
            if (scenario.nodes().size() != nodeIds.size() || scenario.classes().size() != classIds.size()) {
                return false;
            }
            for (int j = 0; j < nodeIds.size(); j++) {
                if (!scenario.nodes().get(j).id().equals(nodeIds.get(j))) {
                    return false;
                }
            }
            for (int k = 0; k < classIds.size(); k++) {
                if (!scenario.classes().get(k).id().equals(classIds.get(k))) {
                    return false;
                }
            }
            return true;
        }

        /** The pair's slot, or -1 if this version has no such origin or class. */
        int slot(String origin, String classId) {
            Integer j = nodeIndex.get(origin);
            Integer k = classIndex.get(classId);
            return j == null || k == null ? -1 : j * classIds.size() + k;
        }

        int pairs() {
            return nodeIds.size() * classIds.size();
        }
    }

    /** One version: its prices as {@link #FIELDS} doubles per slot and the serving node's index per slot. */
    private record Entry(long version, Instant clearedAt, Layout layout, double[] values, int[] servingNodes,
            VersionCauses causes) {

        PricePoint point(int slot) {
            int at = slot * FIELDS;
            int serving = servingNodes[slot];
            return new PricePoint(version, clearedAt, values[at], values[at + 1], values[at + 2], values[at + 3],
                    values[at + 4], values[at + 5],
                    serving == NOT_SERVED ? Optional.empty() : Optional.of(layout.nodeIds().get(serving)), causes);
        }
    }

    /** What a query copies out under the lock. */
    record Retained(List<PricePoint> points, long oldestVersion, Instant oldestClearedAt) {}

    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    PriceHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("price history must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Appends a version (greater than every one held) and drops the oldest beyond the bound. The
     * arrays are built before the lock is taken.
     */
    void add(long version, Instant clearedAt, Scenario scenario, ClearingResult result, VersionCauses causes) {
        Entry previous;
        synchronized (this) {
            previous = entries.peekLast();
        }
        // only the publishing thread adds, so `previous` is still the newest when the entry goes in
        Layout layout = previous != null && previous.layout().sameIds(scenario) ? previous.layout()
                : Layout.of(scenario);
        double[] values = new double[layout.pairs() * FIELDS];
        int[] serving = new int[layout.pairs()];
        Arrays.fill(serving, NOT_SERVED);
        for (NodePrice p : result.prices()) {
            int slot = layout.slot(p.node(), p.classId());
            if (slot < 0) {
                throw new IllegalArgumentException("price of node '" + p.node() + "' class '" + p.classId()
                        + "' is outside the scenario of version " + version);
            }
            int at = slot * FIELDS;
            values[at] = p.price();
            values[at + 1] = p.energy();
            values[at + 2] = p.scarcity();
            values[at + 3] = p.routing();
            values[at + 4] = p.congestion();
            values[at + 5] = p.unservedPenalty();
            serving[slot] = p.servingNode().map(n -> layout.nodeIndex().getOrDefault(n, NOT_SERVED)).orElse(NOT_SERVED);
        }
        if (previous != null && previous.layout() == layout && Arrays.equals(previous.values(), values)
                && Arrays.equals(previous.servingNodes(), serving)) {
            // an update that moved no price (e.g. spare capacity) costs the history no arrays
            values = previous.values();
            serving = previous.servingNodes();
        }
        Entry entry = new Entry(version, clearedAt, layout, values, serving, causes);
        synchronized (this) {
            Entry newest = entries.peekLast();
            if (newest != null && newest.version() >= version) {
                throw new IllegalArgumentException("version " + version + " is not after the newest retained, "
                        + newest.version());
            }
            entries.addLast(entry);
            while (entries.size() > capacity) {
                entries.pollFirst();
            }
        }
    }

    /**
     * The points of {@code origin} × {@code classId} at every retained version cleared at or after
     * {@code since} (null: all), oldest first; empty if nothing is retained yet.
     */
    Optional<Retained> points(String origin, String classId, Instant since) {
        List<Entry> wanted = new ArrayList<>();
        Entry oldest;
        synchronized (this) {
            oldest = entries.peekFirst();
            if (oldest == null) {
                return Optional.empty();
            }
            for (Entry e : entries) {
                if (since == null || !e.clearedAt().isBefore(since)) {
                    wanted.add(e);
                }
            }
        }
        List<PricePoint> points = new ArrayList<>(wanted.size());
        for (Entry e : wanted) {
            int slot = e.layout().slot(origin, classId);
            if (slot >= 0) {
                points.add(e.point(slot));
            }
        }
        return Optional.of(new Retained(points, oldest.version(), oldest.clearedAt()));
    }

    synchronized int size() {
        return entries.size();
    }
}
