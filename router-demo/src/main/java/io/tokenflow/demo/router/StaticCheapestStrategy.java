package io.tokenflow.demo.router;

import io.tokenflow.client.OracleSite;
import io.tokenflow.client.PricingOracleClient;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The feasible site with the cheapest electricity for the class, from a static table given at start
 * ($/M tokens per node × class, e.g. electricity price × kWh per M tokens + opex) and never updated:
 * the router of a team that picked "the cheap region" once. The feasible sites are read once (SDK
 * {@code feasibleSites}, first version) and kept, so the choice never moves. Ties go to the lower
 * delivered cost of that first version.
 */
public final class StaticCheapestStrategy implements RoutingStrategy {
    private final SiteTable sites;
    private final Map<String, Map<String, Double>> energyCost;
    private final Map<String, RouteChoice> fixed = new HashMap<>();

    /** @param energyCostPerMTokens node → class → processing cost, $/M tokens (nodes missing: never chosen) */
    public StaticCheapestStrategy(PricingOracleClient client, Map<String, Map<String, Double>> energyCostPerMTokens) {
        this.sites = new SiteTable(client);
        Map<String, Map<String, Double>> copy = new HashMap<>();
        energyCostPerMTokens.forEach((n, m) -> copy.put(n, Map.copyOf(m)));
        this.energyCost = Map.copyOf(copy);
    }

    @Override
    public String name() {
        return "static-cheapest";
    }

    @Override
    public RouteChoice choose(String origin, String workloadClass, String requestId) {
        return fixed.computeIfAbsent(origin + '\u0000' + workloadClass, k -> pick(origin, workloadClass));
    }

    private RouteChoice pick(String origin, String workloadClass) {
        List<OracleSite> feasible = sites.of(origin, workloadClass);
        return feasible.stream()
                .filter(s -> cost(s.node(), workloadClass) < Double.POSITIVE_INFINITY)
                .min(Comparator.<OracleSite>comparingDouble(s -> cost(s.node(), workloadClass))
                        .thenComparingDouble(OracleSite::deliveredCostPerMTokens)
                        .thenComparing(OracleSite::node))
                .map(s -> new RouteChoice(s.node(), s.path()))
                .orElse(null);
    }

    private double cost(String node, String workloadClass) {
        Map<String, Double> perClass = energyCost.get(node);
        Double v = perClass == null ? null : perClass.get(workloadClass);
        return v == null ? Double.POSITIVE_INFINITY : v;
    }
}
