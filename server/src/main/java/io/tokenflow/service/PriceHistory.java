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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The prices of every origin × class at the last N published versions, with when and why each was
 * made, oldest first.
 *
 * <p><b>Memory.</b> A version keeps only what PriceHistory answers, in flat arrays: six doubles and
 * a serving-node index per origin × class (no NodePrice objects, paths or strings), plus its causes.
 * Only the oldest retained version holds every price; each later one holds just the prices that
 * differ from the version before it (an update usually moves the prices of one class, and one that
 * moves none costs no arrays), and dropping the oldest folds the next one's changes into a new full
 * version. The ids are kept once and shared while the node and class lists stay the same. Measured
 * figures are in docs/oracle.md.
 *
 * <p>Thread-safe: one writer at a time (the publisher); readers hold the lock only to copy the entry
 * references out (at most N) and rebuild points outside it, and the writer holds it only to check the
 * order and move references, so neither delays the other by more than microseconds.
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

    /**
     * One version. The oldest retained entry is full ({@code slots} null: every slot, in order); each
     * later one lists only the slots whose price or serving node differ from the version before it,
     * with {@link #FIELDS} values and a serving-node index per listed slot.
     */
    private record Entry(long version, Instant clearedAt, Layout layout, int[] slots, double[] values,
            int[] servingNodes, VersionCauses causes) {

        boolean full() {
            return slots == null;
        }

        /** Where the slot's values sit in this entry's arrays, or -1 if this entry leaves the slot as it was. */
        int position(int slot) {
            if (full()) {
                return slot;
            }
            int at = Arrays.binarySearch(slots, slot);
            return at >= 0 ? at : -1;
        }
    }

    /** What a query copies out under the lock. */
    record Retained(List<PricePoint> points, long oldestVersion, Instant oldestClearedAt) {}

    private static final int[] NO_SLOTS = new int[0];
    private static final double[] NO_VALUES = new double[0];

    private final int capacity;
    /** Guarded by {@code this}; readers copy it out, only {@link #add} changes it. */
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** Serializes writers; guards the full prices of the newest version, which the next version is diffed against. */
    private final Object writer = new Object();
    private Layout newestLayout;
    private double[] newestValues;
    private int[] newestServing;

    PriceHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("price history must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Appends a version (greater than every one held) and drops the oldest beyond the bound. Everything
     * is computed before the readers' lock is taken; under it the deque only gains and loses references.
     */
    void add(long version, Instant clearedAt, Scenario scenario, ClearingResult result, VersionCauses causes) {
        synchronized (writer) {
            Layout layout = newestLayout != null && newestLayout.sameIds(scenario) ? newestLayout : Layout.of(scenario);
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
                serving[slot] = p.servingNode().map(n -> layout.nodeIndex().getOrDefault(n, NOT_SERVED))
                        .orElse(NOT_SERVED);
            }
            Entry entry = layout == newestLayout ? changes(version, clearedAt, layout, values, serving, causes)
                    : new Entry(version, clearedAt, layout, null, values, serving, causes);

            Entry head;
            Entry next;
            synchronized (this) {
                Entry newest = entries.peekLast();
                if (newest != null && newest.version() >= version) {
                    throw new IllegalArgumentException("version " + version + " is not after the newest retained, "
                            + newest.version());
                }
                Iterator<Entry> oldest = entries.iterator();
                head = entries.size() + 1 > capacity ? oldest.next() : null;
                next = head == null ? null : entries.size() >= 2 ? oldest.next() : entry;
            }
            // the entry after the one dropped becomes the oldest, so it must hold every price itself
            Entry newHead = head == null ? null : next.full() ? next : merged(head, next);
            synchronized (this) {
                entries.addLast(entry);
                if (newHead != null) {
                    entries.pollFirst();
                    entries.pollFirst();
                    entries.addFirst(newHead);
                }
            }
            newestLayout = layout;
            newestValues = values;
            newestServing = serving;
        }
    }

    /** The version as the slots whose values or serving node differ from the newest retained version. */
    private Entry changes(long version, Instant clearedAt, Layout layout, double[] values, int[] serving,
            VersionCauses causes) {
        int[] changed = new int[serving.length];
        int count = 0;
        for (int slot = 0; slot < serving.length; slot++) {
            if (serving[slot] != newestServing[slot]
                    || !Arrays.equals(values, slot * FIELDS, (slot + 1) * FIELDS,
                            newestValues, slot * FIELDS, (slot + 1) * FIELDS)) {
                changed[count++] = slot;
            }
        }
        if (count == 0) {
            // an update that moved no price (e.g. spare capacity) costs the history no arrays
            return new Entry(version, clearedAt, layout, NO_SLOTS, NO_VALUES, NO_SLOTS, causes);
        }
        int[] slots = Arrays.copyOf(changed, count);
        double[] changedValues = new double[count * FIELDS];
        int[] changedServing = new int[count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(values, slots[i] * FIELDS, changedValues, i * FIELDS, FIELDS);
            changedServing[i] = serving[slots[i]];
        }
        return new Entry(version, clearedAt, layout, slots, changedValues, changedServing, causes);
    }

    /** {@code next} (a change list over {@code head}) as a full entry: head's prices with next's changes made. */
    private static Entry merged(Entry head, Entry next) {
        double[] values = head.values().clone();
        int[] serving = head.servingNodes().clone();
        for (int i = 0; i < next.slots().length; i++) {
            int slot = next.slots()[i];
            System.arraycopy(next.values(), i * FIELDS, values, slot * FIELDS, FIELDS);
            serving[slot] = next.servingNodes()[i];
        }
        return new Entry(next.version(), next.clearedAt(), next.layout(), null, values, serving, next.causes());
    }

    /**
     * The points of {@code origin} × {@code classId} at every retained version cleared at or after
     * {@code since} (null: all), oldest first; empty if nothing is retained yet.
     */
    Optional<Retained> points(String origin, String classId, Instant since) {
        return points(origin, classId, since, 0, Integer.MAX_VALUE);
    }

    /**
     * As {@link #points(String, String, Instant)}, only the versions from {@code fromVersion} on and at
     * most {@code limit} of them (a page). The prices are rebuilt from the oldest (full) version forward,
     * so every retained entry up to the last point is read, outside the lock; only the points asked for
     * are made.
     */
    Optional<Retained> points(String origin, String classId, Instant since, long fromVersion, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one point, got a limit of " + limit);
        }
        Entry[] retained;
        synchronized (this) {
            if (entries.isEmpty()) {
                return Optional.empty();
            }
            retained = entries.toArray(Entry[]::new);
        }
        List<PricePoint> points = new ArrayList<>();
        double[] current = new double[FIELDS];
        int currentServing = NOT_SERVED;
        boolean known = false;
        Layout layout = null;
        int slot = -1;
        for (Entry e : retained) {
            if (points.size() == limit) {
                break;
            }
            if (e.layout() != layout) {
                layout = e.layout();
                slot = layout.slot(origin, classId);
            }
            if (slot < 0) {
                known = false;
                continue;
            }
            int at = e.position(slot);
            if (at >= 0) {
                System.arraycopy(e.values(), at * FIELDS, current, 0, FIELDS);
                currentServing = e.servingNodes()[at];
                known = true;
            }
            if (known && e.version() >= fromVersion && (since == null || !e.clearedAt().isBefore(since))) {
                points.add(new PricePoint(e.version(), e.clearedAt(), current[0], current[1], current[2], current[3],
                        current[4], current[5], currentServing == NOT_SERVED ? Optional.empty()
                                : Optional.of(layout.nodeIds().get(currentServing)), e.causes()));
            }
        }
        Entry oldest = retained[0];
        return Optional.of(new Retained(points, oldest.version(), oldest.clearedAt()));
    }

    synchronized int size() {
        return entries.size();
    }
}
