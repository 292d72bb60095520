package io.tokenflow.market.retail;

import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The site price of every node × class of a cleared market: what one more served M tokens costs there,
 * g_j,k + μ_j,k, with g = p_j e_k + opex_j + opex_k (electricity and opex at that node) and μ the node's
 * compute-scarcity rent. This, not the locational price π of the node as an origin, is a provider's
 * marginal cost at the site: π can be set by another site that serves the node's demand.
 *
 * <p>Immutable; thread-safe.
 */
public final class SitePrices {
    private final String market;
    private final Map<RetailGame.Site, Double> prices;
    private final java.util.Set<String> nodes;
    private final java.util.Set<String> classes;

    private SitePrices(String market, Map<RetailGame.Site, Double> prices, java.util.Set<String> nodes,
            java.util.Set<String> classes) {
        this.market = market;
        this.prices = Map.copyOf(prices);
        this.nodes = java.util.Set.copyOf(nodes);
        this.classes = java.util.Set.copyOf(classes);
    }

    /**
     * The site prices of {@code result}, the clearing of {@code scenario}.
     *
     * @throws IllegalArgumentException if the clearing is not OPTIMAL (it has no rents to read)
     */
    public static SitePrices of(Scenario scenario, ClearingResult result) {
        if (!result.optimal()) {
            throw new IllegalArgumentException("market '" + scenario.name() + "' cleared " + result.status()
                    + ": it has no site prices");
        }
        Map<RetailGame.Site, Double> prices = new HashMap<>();
        for (ProcessingLevel level : result.processing()) {
            ComputeNode node = scenario.node(level.node());
            WorkloadClass cls = scenario.workloadClass(level.classId());
            double g = node.electricityPricePerKwh() * cls.kwhPerMTokens() + node.opexPerMTokens() + cls.opexPerMTokens();
            prices.put(new RetailGame.Site(level.node(), level.classId()), g + level.scarcityRent());
        }
        java.util.Set<String> nodes = new java.util.HashSet<>();
        scenario.nodes().forEach(n -> nodes.add(n.id()));
        java.util.Set<String> classes = new java.util.HashSet<>();
        scenario.classes().forEach(k -> classes.add(k.id()));
        return new SitePrices(scenario.name(), prices, nodes, classes);
    }

    /** The market's name, for messages. */
    public String market() {
        return market;
    }

    /** g + μ at the site, or empty when the market has no such node × class. */
    public OptionalDouble at(String node, String classId) {
        Double v = prices.get(new RetailGame.Site(node, classId));
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** g + μ of provider {@code j}'s site; the message names the field and the unknown id. */
    double of(RetailGame game, int j) {
        RetailGame.Site site = game.providers().get(j).site().orElseThrow();
        String at = "providers[" + j + "].";
        if (!nodes.contains(site.node())) {
            throw new InvalidGameException(at + "node " + GameChecks.quote(site.node()) + " is not a node of market '"
                    + market + "'");
        }
        if (!classes.contains(site.classId())) {
            throw new InvalidGameException(at + "class " + GameChecks.quote(site.classId())
                    + " is not a class of market '" + market + "'");
        }
        return at(site.node(), site.classId()).orElseThrow();
    }
}
