package io.tokenflow.follow;

import io.tokenflow.client.ClearingView;
import io.tokenflow.client.MarketView;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ArcFlow;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.PathFlow;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.market.solution.Settlement;
import io.tokenflow.market.solution.SolveStats;
import io.tokenflow.market.solution.UnservedDemand;
import java.time.Instant;
import java.util.Optional;

/**
 * One version an oracle published, read back through the client SDK into the engine's model: the scenario
 * in force and its OPTIMAL clearing result, every number as the oracle sent it. A read replica adopts it
 * as is, and {@code tokenflow report --target} draws it, rather than clearing again: on a degenerate LP a
 * re-clear could land on another optimal vertex, with other duals.
 */
public record PublishedVersion(long version, Instant clearedAt, boolean stale, Scenario scenario,
        ClearingResult result) {

    /**
     * @throws IllegalArgumentException the oracle sent no scenario (an older oracle, which cannot be
     *                                  followed) or a result that is not OPTIMAL
     */
    public static PublishedVersion of(MarketView market) {
        if (market.scenarioJson().isEmpty()) {
            throw new IllegalArgumentException("the oracle sends no scenario_json in GetMarket (an older version "
                    + "that cannot be followed or reported on)");
        }
        return new PublishedVersion(market.marketVersion(), market.clearedAt(), market.stale(),
                ScenarioJson.read(market.scenarioJson()), result(market.clearing()));
    }

    /**
     * The engine's result for an OPTIMAL clearing the oracle published: every field the read path uses comes
     * back bit for bit; solve statistics and a diagnosis are not carried.
     */
    static ClearingResult result(ClearingView c) {
        if (c.status() != ClearingView.Status.OPTIMAL) {
            throw new IllegalArgumentException("only an OPTIMAL result can be adopted, got " + c.status());
        }
        return new ClearingResult(c.scenario(), ClearingStatus.OPTIMAL,
                c.bandwidthModel() == ClearingView.BandwidthModel.TRANSFER_AWARE
                        ? BandwidthModel.TRANSFER_AWARE : BandwidthModel.TOKEN_EQUIVALENT,
                c.latencyScope() == ClearingView.LatencyScope.PER_LINK ? LatencyScope.PER_LINK : LatencyScope.END_TO_END,
                c.objectivePerHour(),
                c.prices().stream().map(p -> new NodePrice(p.node(), p.workloadClass(), p.pricePerMTokens(), p.energy(),
                        p.scarcity(), p.routing(), p.congestion(), p.unservedPenalty(), p.servingNode(), p.path(),
                        p.electricityCost(), p.opexCost())).toList(),
                c.processing().stream().map(p -> new ProcessingLevel(p.node(), p.workloadClass(), p.tokensPerSecond(),
                        p.capacityTokensPerSecond(), p.scarcityRent())).toList(),
                c.flows().stream().map(f -> new ArcFlow(f.fromNode(), f.toNode(), f.workloadClass(),
                        f.tokensPerSecond())).toList(),
                c.pathFlows().stream().map(p -> new PathFlow(p.origin(), p.workloadClass(), p.path(),
                        p.tokensPerSecond(), p.latencyMs())).toList(),
                c.links().stream().map(l -> new LinkState(l.fromNode(), l.toNode(), l.congestionRent(),
                        l.utilization(), l.tokensPerSecond(), l.gbPerSecond())).toList(),
                c.unserved().stream().map(u -> new UnservedDemand(u.node(), u.workloadClass(), u.tokensPerSecond()))
                        .toList(),
                c.settlement().map(s -> new Settlement(s.userPaymentsPerHour(), s.computeRevenuePerHour(),
                        s.networkRevenuePerHour(), s.merchandisingSurplusPerHour(), s.routeCostPerHour())),
                Optional.empty(), new SolveStats("leader", 0, 0, false));
    }
}
