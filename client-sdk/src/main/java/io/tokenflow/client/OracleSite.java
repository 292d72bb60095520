package io.tokenflow.client;

import java.util.List;

/** A feasible site: delivered cost = site price (energy + scarcity there) + routing + congestion. */
public record OracleSite(
        String node,
        List<String> path,
        double deliveredCostPerMTokens,
        double sitePricePerMTokens,
        double routing,
        double congestion,
        double latencyMs,
        double clearedShare,
        double spareTokensPerSecond) {

    public OracleSite {
        path = List.copyOf(path);
    }
}
