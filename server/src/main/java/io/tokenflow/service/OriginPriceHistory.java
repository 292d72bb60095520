package io.tokenflow.service;

import java.time.Instant;
import java.util.List;

/**
 * The answer to PriceHistory: the price of one origin × class at each retained version cleared at or
 * after the time asked for, oldest first, and the oldest version retained at all, so a caller can tell
 * that it asked further back than the history reaches.
 *
 * @param points                 one per version, versions strictly increasing, times non-decreasing
 * @param oldestRetainedVersion  the oldest version the oracle still holds (whether or not in {@code points})
 * @param oldestRetainedAt       when that version was cleared
 */
public record OriginPriceHistory(
        String origin, String classId, List<PricePoint> points, long oldestRetainedVersion, Instant oldestRetainedAt) {

    public OriginPriceHistory {
        points = List.copyOf(points);
    }
}
