package io.tokenflow.service;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The settlement records of the last N cleared versions, oldest first. Thread-safe (synchronized; rarely used). */
final class SettlementHistory {
    private final int capacity;
    private final ArrayDeque<SettlementRecord> records = new ArrayDeque<>();

    SettlementHistory(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(SettlementRecord record) {
        SettlementRecord previous = records.pollLast();
        if (previous != null) {
            records.addLast(previous.supersededAt(record.clearedAt()));
        }
        records.addLast(record);
        while (records.size() > capacity) {
            records.pollFirst();
        }
    }

    /**
     * The records with versions in [from, to], oldest first; 0 means the oldest retained (from) or the
     * current one (to). With {@code to} 0, a {@code from} just past the current version is a job resuming
     * where its last export stopped before anything new was cleared: no records, not an error (further
     * past it is a cursor no export could have given: an error).
     *
     * @throws IllegalArgumentException     if from > to
     * @throws VersionOutOfRangeException   if the range reaches outside what is retained
     */
    synchronized List<SettlementRecord> range(long from, long to) {
        long[] span = resolve(from, to, records.getFirst().version(), records.getLast().version());
        if (span == null) {
            return List.of();
        }
        List<SettlementRecord> out = new ArrayList<>();
        for (SettlementRecord r : records) {
            if (r.version() >= span[0] && r.version() <= span[1]) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The version in force at {@code time}: the one cleared at or before it and superseded after it (the
     * current one when nothing was cleared since), or the first version when {@code time} is before
     * anything was cleared.
     *
     * @throws VersionOutOfRangeException if the version in force at {@code time} is no longer retained
     */
    synchronized long versionInForceAt(Instant time) {
        SettlementRecord oldest = records.getFirst();
        if (time.isBefore(oldest.clearedAt()) && oldest.version() > 1) {
            throw new VersionOutOfRangeException("from_time " + time + " is before the oldest retained version "
                    + oldest.version() + " (cleared at " + oldest.clearedAt() + "): the version in force then is no "
                    + "longer retained; versions " + oldest.version() + " to " + records.getLast().version()
                    + " are retained");
        }
        for (SettlementRecord r : records) {
            if (r.supersededAt().isEmpty() || r.supersededAt().get().isAfter(time)) {
                return r.version();
            }
        }
        return records.getLast().version();
    }

    /**
     * The versions {@code [first, last]} a request for {@code [from, to]} asks of a store retaining
     * {@code oldest} to {@code newest}, or null for the empty answer (to 0, from newest + 1); the rules of
     * {@link #range}, shared with the market record on disk.
     *
     * @throws IllegalArgumentException   if from > to
     * @throws VersionOutOfRangeException if the range reaches outside what is retained
     */
    static long[] resolve(long from, long to, long oldest, long newest) {
        long first = from == 0 ? oldest : from;
        long last = to == 0 ? newest : to;
        if (to == 0 && first == newest + 1) {
            return null;
        }
        if (first > last) {
            throw new IllegalArgumentException("from_version " + first + " is after to_version " + last);
        }
        String retained = retained(oldest, newest);
        if (first < oldest) {
            throw new VersionOutOfRangeException("from_version " + first + " is no longer retained; " + retained);
        }
        if (last > newest) {
            throw new VersionOutOfRangeException("to_version " + last + " is not cleared yet; " + retained);
        }
        return new long[] {first, last};
    }

    /** "versions A to B are retained": what an OUT_OF_RANGE answer names. */
    static String retained(long oldest, long newest) {
        return "versions " + oldest + " to " + newest + " are retained";
    }

    synchronized Instant newestClearedAt() {
        return records.getLast().clearedAt();
    }
}
