package io.tokenflow.report;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The price of one workload class over time, per origin, as the oracle's PriceHistory call returns it.
 *
 * @param classId  the workload class
 * @param byOrigin origin node id → its price points, oldest first, in the order to draw them
 */
public record PriceHistorySeries(String classId, Map<String, List<Point>> byOrigin) {

    /**
     * One cleared version.
     *
     * @param clearedAt when the version was published
     * @param version   the market version
     * @param price     π in $/M tokens at that version
     * @param cause     what made the version, e.g. {@code capacity dallas/image 240000 -> 120000 tok/s}
     */
    public record Point(Instant clearedAt, long version, double price, String cause) {}

    public PriceHistorySeries {
        // in the caller's order, so origins keep their colours from one figure to the next
        byOrigin = Collections.unmodifiableMap(new LinkedHashMap<>(byOrigin));
    }
}
