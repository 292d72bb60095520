package io.tokenflow.demo;

import io.tokenflow.client.AnswerSource;
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
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.service.FeasibleSites;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.Quote;
import io.tokenflow.service.RouteDecision;
import io.tokenflow.service.UpdateReceipt;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * A test fake: the SDK interface answered by a {@link LeaderOracle} in this JVM, without gRPC. Lets
 * the simulator run against the real market before (and besides) the RPC client.
 */
final class InProcessOracleClient implements PricingOracleClient {
    private final LeaderOracle oracle;

    InProcessOracleClient(LeaderOracle oracle) {
        this.oracle = oracle;
    }

    @Override
    public OracleQuote quote(String origin, String workloadClass) {
        Quote q = oracle.quote(origin, workloadClass);
        NodePrice p = q.price();
        long v = q.state().version();
        return new OracleQuote(origin, workloadClass, p.price(), p.servingNode(), p.path(), p.energy(), p.scarcity(),
                p.routing(), p.congestion(), p.unservedPenalty(), q.unserved().demandTokensPerSecond(),
                q.unserved().unservedTokensPerSecond(), q.unserved().share(), v, Instant.now(), false,
                AnswerSource.LOCAL_TABLE);
    }

    @Override
    public OracleRoute route(String origin, String workloadClass, String requestId) {
        return route(origin, workloadClass, requestId, List.of());
    }

    @Override
    public OracleRoute route(String origin, String workloadClass, String requestId, Collection<String> excludeNodes) {
        RouteDecision d = oracle.route(origin, workloadClass, requestId, excludeNodes);
        return new OracleRoute(d.site().orElse(""), d.path(), d.originPrice().price(), d.state().version(),
                OracleRoute.Reason.valueOf(d.reason().name()), d.clearedShare(), d.latencyMs(),
                d.hint().map(h -> OracleRoute.UnservedHint.valueOf(h.name())).orElse(OracleRoute.UnservedHint.NONE),
                d.unserved().share(), false, AnswerSource.LOCAL_TABLE);
    }

    @Override
    public FeasibleSitesView feasibleSitesView(String origin, String workloadClass) {
        FeasibleSites answer = oracle.feasibleSites(origin, workloadClass);
        return new FeasibleSitesView(origin, workloadClass, answer.sites().stream()
                .map(o -> new OracleSite(o.site().node(), o.site().path(), o.site().deliveredCost(),
                        o.site().sitePrice(), o.site().routing(), o.site().congestion(), o.site().latencyMs(),
                        o.clearedShare(), o.site().spareTokensPerSecond(), o.site().energy(), o.site().scarcity()))
                .toList(), answer.unserved().demandTokensPerSecond(), answer.unserved().unservedTokensPerSecond(),
                answer.unserved().share(), answer.state().version(), answer.state().stale());
    }

    @Override
    public UpdateAck updateCapacity(List<CapacityChange> changes, boolean waitForClear) {
        return submit(changes.stream()
                .<MarketUpdate>map(c -> new MarketUpdate.CapacityUpdate(c.node(), c.workloadClass(), c.tokensPerSecond()))
                .toList(), waitForClear);
    }

    @Override
    public UpdateAck updateDemand(List<DemandChange> changes, boolean waitForClear) {
        return submit(changes.stream()
                .<MarketUpdate>map(c -> new MarketUpdate.DemandUpdate(c.origin(), c.workloadClass(), c.tokensPerSecond()))
                .toList(), waitForClear);
    }

    private UpdateAck submit(List<MarketUpdate> updates, boolean waitForClear) {
        UpdateReceipt receipt = oracle.submit(updates);
        if (waitForClear) {
            oracle.whenCleared(receipt.version()).join();
        }
        return new UpdateAck(receipt.version(), waitForClear);
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
        return new TableStatus(OptionalLong.of(oracle.state().version()), Duration.ZERO, true, true);
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
