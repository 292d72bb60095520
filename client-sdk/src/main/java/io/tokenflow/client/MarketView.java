package io.tokenflow.client;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The oracle's current market.
 *
 * @param objectivePerHour the cleared operating cost, $/hr
 * @param prices           every origin × class quote of this version
 * @param capacities       the capacity in force for every node × class
 * @param demands          the demand in force for every origin × class
 */
public record MarketView(
        long marketVersion,
        Instant clearedAt,
        boolean stale,
        OptionalDouble objectivePerHour,
        List<OracleQuote> prices,
        List<Rate> capacities,
        List<Rate> demands) {

    public MarketView {
        prices = List.copyOf(prices);
        capacities = List.copyOf(capacities);
        demands = List.copyOf(demands);
    }

    /** A token rate of one node (or origin) and class, tokens/s. */
    public record Rate(String node, String workloadClass, double tokensPerSecond) {}
}
