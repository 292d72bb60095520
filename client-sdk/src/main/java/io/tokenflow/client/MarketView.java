package io.tokenflow.client;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The oracle's current market: one version, whole.
 *
 * @param objectivePerHour the cleared operating cost, $/hr
 * @param prices           every origin × class quote of this version
 * @param capacities       the capacity in force for every node × class
 * @param demands          the demand in force for every origin × class
 * @param clearing         the whole clearing result of this version
 * @param scenarioJson     the whole scenario in force (v1 scenario JSON, docs/formats.md): with
 *                         {@code clearing} it is the version itself, as a read replica adopts it
 */
public record MarketView(
        long marketVersion,
        Instant clearedAt,
        boolean stale,
        OptionalDouble objectivePerHour,
        List<OracleQuote> prices,
        List<Rate> capacities,
        List<Rate> demands,
        ClearingView clearing,
        String scenarioJson) {

    public MarketView {
        prices = List.copyOf(prices);
        capacities = List.copyOf(capacities);
        demands = List.copyOf(demands);
    }

    /** A token rate of one node (or origin) and class, tokens/s. */
    public record Rate(String node, String workloadClass, double tokensPerSecond) {}
}
