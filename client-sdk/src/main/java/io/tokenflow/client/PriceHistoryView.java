package io.tokenflow.client;

import java.time.Instant;
import java.util.List;

/**
 * The price of one origin × class at each version the oracle retains, oldest first, with what made
 * each version.
 *
 * @param points                 the versions cleared at or after the {@code since} asked for
 * @param oldestRetainedVersion  the oldest version the oracle still keeps: if {@code since} is older
 *                               than its time, earlier versions are gone, not absent
 * @param oldestRetainedAt       when that version was cleared
 */
public record PriceHistoryView(
        String origin,
        String workloadClass,
        List<Point> points,
        long oldestRetainedVersion,
        Instant oldestRetainedAt) {

    public PriceHistoryView {
        points = List.copyOf(points);
    }

    /**
     * One version: its price with the eq. 9 decomposition, and why it was made.
     *
     * @param cause         one line for people, e.g. {@code capacity dallas/image 240000 -> 120000 tokens/s}
     * @param causes        every update the version includes (the oracle lists at most 100)
     * @param causesOmitted updates beyond those listed
     */
    public record Point(
            long marketVersion,
            Instant clearedAt,
            double pricePerMTokens,
            double energy,
            double scarcity,
            double routing,
            double congestion,
            double unservedPenalty,
            java.util.Optional<String> servingNode,
            String cause,
            List<Cause> causes,
            int causesOmitted) {

        public Point {
            causes = List.copyOf(causes);
        }
    }

    /**
     * One update behind a version.
     *
     * @param kind    {@code capacity}, {@code demand}, {@code electricity_price}, {@code link_capacity},
     *                {@code initial} or {@code leader}
     * @param subject {@code node/class}, {@code origin/class}, {@code node} or {@code from->to}; empty
     *                for initial and leader
     * @param unit    {@code tokens/s}, {@code $/kWh} or {@code Gbps}; empty for initial and leader
     */
    public record Cause(String kind, String subject, double previousValue, double value, String unit) {}
}
