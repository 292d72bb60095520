package io.tokenflow.demo.router;

import io.tokenflow.client.CapacityChange;
import io.tokenflow.client.DemandChange;
import io.tokenflow.client.FeasibleSitesView;
import io.tokenflow.client.MarketView;
import io.tokenflow.client.PriceHistoryView;
import io.tokenflow.client.OracleQuote;
import io.tokenflow.client.OracleRoute;
import io.tokenflow.client.OracleSite;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.client.TableStatus;
import io.tokenflow.client.UpdateAck;
import io.tokenflow.client.AnswerSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted client: fixed site lists per origin/class, every route to {@code routeTo} (empty: the
 * oracle sheds the request); counts calls.
 */
final class FakeClient implements PricingOracleClient {
    final Map<String, List<OracleSite>> sites = new HashMap<>();
    final List<String> routed = new ArrayList<>();
    int feasibleCalls;
    String routeTo = "b";

    static OracleSite site(String node, List<String> path, double delivered, double latencyMs) {
        return site(node, path, delivered, 0, latencyMs);
    }

    /** A site whose price is energy + scarcity, reached for free: delivered = energy + scarcity. */
    static OracleSite site(String node, List<String> path, double energy, double scarcity, double latencyMs) {
        return new OracleSite(node, path, energy + scarcity, energy + scarcity, 0, 0, latencyMs, 0, 1e6, energy, scarcity);
    }

    @Override
    public FeasibleSitesView feasibleSitesView(String origin, String workloadClass) {
        feasibleCalls++;
        return new FeasibleSitesView(origin, workloadClass, sites.getOrDefault(origin + "/" + workloadClass, List.of()),
                0, 0, 0, 1, false);
    }

    @Override
    public OracleRoute route(String origin, String workloadClass, String requestId) {
        routed.add(requestId);
        if (routeTo.isEmpty()) {
            return new OracleRoute("", List.of(), 1000, 1, OracleRoute.Reason.UNSERVED, 0, 0,
                    OracleRoute.UnservedHint.SHED, 0.25, false, AnswerSource.LOCAL_TABLE);
        }
        List<String> path = origin.equals(routeTo) ? List.of(origin) : List.of(origin, routeTo);
        return new OracleRoute(routeTo, path, 1.0, 1, OracleRoute.Reason.CLEARED_SPLIT, 1, 12,
                OracleRoute.UnservedHint.NONE, 0, false, AnswerSource.LOCAL_TABLE);
    }

    @Override
    public OracleRoute route(String origin, String workloadClass, String requestId, Collection<String> excludeNodes) {
        throw new UnsupportedOperationException("the strategies choose among feasible sites themselves");
    }

    @Override
    public OracleQuote quote(String origin, String workloadClass) {
        throw new UnsupportedOperationException();
    }

    @Override
    public UpdateAck updateCapacity(List<CapacityChange> changes, boolean waitForClear) {
        throw new UnsupportedOperationException();
    }

    @Override
    public UpdateAck updateDemand(List<DemandChange> changes, boolean waitForClear) {
        throw new UnsupportedOperationException();
    }

    @Override
    public UpdateAck updateElectricityPrice(List<io.tokenflow.client.ElectricityPriceChange> changes,
            boolean waitForClear) {
        throw new UnsupportedOperationException();
    }

    @Override
    public UpdateAck updateLinkCapacity(List<io.tokenflow.client.LinkCapacityChange> changes, boolean waitForClear) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MarketView market() {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.tokenflow.client.SettlementExport exportSettlement(long fromVersion, long toVersion,
            java.util.function.Consumer<io.tokenflow.client.SettlementView> sink) {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.tokenflow.client.SettlementExport exportSettlement(java.time.Instant fromTime, long toVersion,
            java.util.function.Consumer<io.tokenflow.client.SettlementView> sink) {
        throw new UnsupportedOperationException();
    }

    @Override
    public PriceHistoryView priceHistory(String origin, String workloadClass, java.time.Instant since) {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.tokenflow.client.PriceHistoryPage priceHistoryPage(String origin, String workloadClass,
            java.time.Instant since, int pageSize, String pageToken, boolean withCauses) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TableStatus tableStatus() {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.tokenflow.client.TierMenuView tierMenu(String origin, String workloadClass,
            io.tokenflow.client.MenuPopulation population) {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.tokenflow.client.RetailAnswerView retailEquilibrium(io.tokenflow.client.RetailGameSpec game,
            int curvePoints) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
}
