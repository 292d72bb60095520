package io.tokenflow.demo.router;

import io.tokenflow.client.OracleSite;
import io.tokenflow.client.PricingOracleClient;
import java.util.Comparator;
import java.util.List;

/**
 * The feasible site (SDK {@code feasibleSites}) with the lowest path latency; ties go to the lower
 * delivered cost. Blind to capacity: every request of an origin × class goes to the same site. The
 * site list is re-read at every new version (feasibility only changes when a capacity reaches 0).
 */
public final class NearestStrategy implements RoutingStrategy {
    private static final Comparator<OracleSite> NEAREST = Comparator.comparingDouble(OracleSite::latencyMs)
            .thenComparingDouble(OracleSite::deliveredCostPerMTokens)
            .thenComparing(OracleSite::node);

    private final SiteTable sites;

    public NearestStrategy(PricingOracleClient client) {
        this.sites = new SiteTable(client);
    }

    @Override
    public String name() {
        return "nearest";
    }

    @Override
    public RouteChoice choose(String origin, String workloadClass, String requestId) {
        List<OracleSite> feasible = sites.of(origin, workloadClass);
        return feasible.stream().min(NEAREST).map(s -> new RouteChoice(s.node(), s.path())).orElse(null);
    }

    @Override
    public void onNewVersion() {
        sites.clear();
    }
}
