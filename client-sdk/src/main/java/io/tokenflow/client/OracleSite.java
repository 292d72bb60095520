package io.tokenflow.client;

import java.util.List;

/**
 * A feasible site: delivered cost = site price (energy + scarcity there) + routing + congestion.
 *
 * @param energy   processing cost g at the site (electricity + opex), $/M tokens
 * @param scarcity compute-scarcity rent μ at the site, $/M tokens (site price = energy + scarcity)
 */
public record OracleSite(
        String node,
        List<String> path,
        double deliveredCostPerMTokens,
        double sitePricePerMTokens,
        double routing,
        double congestion,
        double latencyMs,
        double clearedShare,
        double spareTokensPerSecond,
        double energy,
        double scarcity) {

    public OracleSite {
        path = List.copyOf(path);
    }

    /**
     * What one more M tokens cost here when the site has idle capacity at this moment: processing and
     * carrying them (energy + routing + congestion), without the scarcity rent, which prices the
     * capacity the cleared market uses and which idle capacity does not displace.
     */
    public double idleCapacityCostPerMTokens() {
        return energy + routing + congestion;
    }
}
