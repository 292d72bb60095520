package io.tokenflow.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * PriceHistory's answer put together from the two places versions are kept: the in-memory window
 * ({@link PriceHistory}, the last {@link OracleConfig#priceHistory()} versions) and, with a data
 * directory, the market record on disk for every older version it retains.
 *
 * <p>A page resumes at the version the previous page stopped before. That version existed (the previous
 * page saw it), so if it is not the first point now, retention dropped it between the two pages and
 * the points between are lost to the caller: that is refused ({@link VersionOutOfRangeException}) rather
 * than answered with a silent gap.
 */
final class PriceHistoryReads {
    private PriceHistoryReads() {}

    /**
     * At most {@code limit} points of {@code origin} × {@code classId} at the retained versions from
     * {@code fromVersion} on (0: the oldest) cleared at or after {@code since} (null: any time), oldest first.
     *
     * @throws OracleUnavailableException  nothing is retained yet
     * @throws VersionOutOfRangeException  {@code fromVersion} > 0 is no longer retained
     */
    static OriginPriceHistory read(PriceHistory memory, MarketRecord record, String origin, String classId,
            Instant since, long fromVersion, int limit) {
        if (fromVersion < 0) {
            throw new IllegalArgumentException("a history starts at version >= 0, got " + fromVersion);
        }
        PriceHistory.Retained retained = memory.points(origin, classId, since, fromVersion, limit)
                .orElseThrow(() -> new OracleUnavailableException("no market version is retained yet"));
        long oldest = retained.oldestVersion();
        Instant oldestAt = retained.oldestClearedAt();
        List<PricePoint> points = retained.points();
        if (record != null && record.oldestVersion() != 0 && record.oldestVersion() < oldest && fromVersion < oldest) {
            // every version older than the in-memory window is on disk (it was recorded before it was published)
            List<PricePoint> both = new ArrayList<>(record.points(origin, classId, since, oldest, fromVersion, limit));
            for (int i = 0; i < points.size() && both.size() < limit; i++) {
                both.add(points.get(i));
            }
            points = both;
            long onDisk = record.oldestVersion();
            if (onDisk < oldest) {
                oldestAt = record.oldestClearedAt();
                oldest = onDisk;
            }
        }
        if (fromVersion > 0 && (points.isEmpty() || points.get(0).version() != fromVersion)) {
            throw new VersionOutOfRangeException("version " + fromVersion + ", where the history was to go on, is no"
                    + " longer retained (the oldest retained is " + oldest + ", cleared at " + oldestAt
                    + "): versions were dropped since the previous page");
        }
        return new OriginPriceHistory(origin, classId, points, oldest, oldestAt);
    }
}
