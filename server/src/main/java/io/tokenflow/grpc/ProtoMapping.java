package io.tokenflow.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.tokenflow.api.v1.Capacity;
import io.tokenflow.api.v1.ComputeRevenue;
import io.tokenflow.api.v1.Demand;
import io.tokenflow.api.v1.Diagnosis;
import io.tokenflow.api.v1.FeasibleSitesResponse;
import io.tokenflow.api.v1.Flow;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.LinkState;
import io.tokenflow.api.v1.NetworkRevenue;
import io.tokenflow.api.v1.NodePrice;
import io.tokenflow.api.v1.PathFlow;
import io.tokenflow.api.v1.Payment;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.Processing;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.RouteReason;
import io.tokenflow.api.v1.RouteResponse;
import io.tokenflow.api.v1.ServingShare;
import io.tokenflow.api.v1.ServingSplit;
import io.tokenflow.api.v1.Settlement;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.api.v1.Shortfall;
import io.tokenflow.api.v1.Site;
import io.tokenflow.api.v1.Unserved;
import io.tokenflow.api.v1.UnservedHint;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.solution.ClassShortfall;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import io.tokenflow.market.solution.SettlementStatement;
import io.tokenflow.market.solution.UnservedShare;
import io.tokenflow.service.FeasibleSites;
import io.tokenflow.service.MarketState;
import io.tokenflow.service.OriginSplit;
import io.tokenflow.service.PublishedMarket;
import io.tokenflow.service.Quote;
import io.tokenflow.service.RouteDecision;
import io.tokenflow.service.SiteOffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Domain values to tokenflow.v1 messages. Stateless; every method is a pure mapping. */
final class ProtoMapping {
    private ProtoMapping() {}

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    static Duration duration(java.time.Duration d) {
        return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    /**
     * A fresh quote is the same message for every caller of a version, so it is encoded once and kept
     * with the cached price; a stale one also carries its age, so it is encoded per call.
     */
    static QuoteResponse quote(Quote quote, Clock clock) {
        MarketState state = quote.state();
        if (!state.stale()) {
            return quote.quoted().encoded(p -> quoteMessage(p.price(), p.unserved(), state).build());
        }
        return quoteMessage(quote.price(), quote.unserved(), state).setStale(true)
                .setAge(duration(state.age(clock.instant()))).build();
    }

    private static QuoteResponse.Builder quoteMessage(io.tokenflow.market.solution.NodePrice p, UnservedShare unserved,
            MarketState state) {
        return QuoteResponse.newBuilder()
                .setOrigin(p.node())
                .setWorkloadClass(p.classId())
                .setPricePerMTokens(p.price())
                .setServingNode(p.servingNode().orElse(""))
                .addAllPath(p.path())
                .setEnergy(p.energy())
                .setScarcity(p.scarcity())
                .setRouting(p.routing())
                .setCongestion(p.congestion())
                .setUnservedPenalty(p.unservedPenalty())
                .setMarketVersion(state.version())
                .setClearedAt(timestamp(state.snapshot().clearedAt()))
                .setDemandTokensPerSecond(unserved.demandTokensPerSecond())
                .setUnservedTokensPerSecond(unserved.unservedTokensPerSecond())
                .setUnservedShare(unserved.share());
    }

    static RouteResponse route(RouteDecision decision) {
        return RouteResponse.newBuilder()
                .setServingNode(decision.site().orElse(""))
                .addAllPath(decision.path())
                .setPricePerMTokens(decision.originPrice().price())
                .setMarketVersion(decision.state().version())
                .setReason(reason(decision.reason()))
                .setDeliveredCostPerMTokens(decision.deliveredCost())
                .setClearedShare(decision.clearedShare())
                .setStale(decision.state().stale())
                .setLatencyMs(decision.latencyMs())
                .setUnservedHint(decision.hint().map(ProtoMapping::hint).orElse(UnservedHint.UNSERVED_HINT_UNSPECIFIED))
                .setUnservedShare(decision.unserved().share())
                .build();
    }

    private static UnservedHint hint(io.tokenflow.service.UnservedHint hint) {
        return switch (hint) {
            case SHED -> UnservedHint.UNSERVED_HINT_SHED;
            case QUEUE -> UnservedHint.UNSERVED_HINT_QUEUE;
        };
    }

    private static RouteReason reason(RouteDecision.Reason reason) {
        switch (reason) {
            case CLEARED_SPLIT:
                return RouteReason.ROUTE_REASON_CLEARED_SPLIT;
            case MARGINAL_SITE:
                return RouteReason.ROUTE_REASON_MARGINAL_SITE;
            case CHEAPEST_REMAINING:
                return RouteReason.ROUTE_REASON_CHEAPEST_REMAINING;
            case UNSERVED:
                return RouteReason.ROUTE_REASON_UNSERVED;
            default:
                throw new IllegalArgumentException("unmapped route reason " + reason);
        }
    }

    static FeasibleSitesResponse sites(FeasibleSites answer) {
        FeasibleSitesResponse.Builder out = FeasibleSitesResponse.newBuilder()
                .setOrigin(answer.origin())
                .setWorkloadClass(answer.classId())
                .setMarketVersion(answer.state().version())
                .setStale(answer.state().stale())
                .setDemandTokensPerSecond(answer.unserved().demandTokensPerSecond())
                .setUnservedTokensPerSecond(answer.unserved().unservedTokensPerSecond())
                .setUnservedShare(answer.unserved().share());
        for (SiteOffer offer : answer.sites()) {
            io.tokenflow.market.solution.DeliverySite s = offer.site();
            out.addSites(Site.newBuilder()
                    .setNode(s.node())
                    .addAllPath(s.path())
                    .setDeliveredCostPerMTokens(s.deliveredCost())
                    .setSitePricePerMTokens(s.sitePrice())
                    .setRouting(s.routing())
                    .setCongestion(s.congestion())
                    .setLatencyMs(s.latencyMs())
                    .setClearedShare(offer.clearedShare())
                    .setSpareTokensPerSecond(s.spareTokensPerSecond())
                    .setEnergy(s.energy())
                    .setScarcity(s.scarcity()));
        }
        return out.build();
    }

    static NodePrice price(io.tokenflow.market.solution.NodePrice p) {
        return NodePrice.newBuilder()
                .setNode(p.node())
                .setWorkloadClass(p.classId())
                .setPricePerMTokens(p.price())
                .setEnergy(p.energy())
                .setScarcity(p.scarcity())
                .setRouting(p.routing())
                .setCongestion(p.congestion())
                .setUnservedPenalty(p.unservedPenalty())
                .setServingNode(p.servingNode().orElse(""))
                .addAllPath(p.path())
                .setElectricityCost(p.electricityCost())
                .setOpexCost(p.opexCost())
                .build();
    }

    /** The price table of the given classes (all when empty), with each origin's cleared split. */
    static PriceTable priceTable(MarketState state, Collection<String> classIds, PublishedMarket market) {
        PriceTable.Builder table = PriceTable.newBuilder()
                .setMarketVersion(state.version())
                .setClearedAt(timestamp(state.snapshot().clearedAt()))
                .setStale(state.stale());
        for (io.tokenflow.market.solution.NodePrice p : state.snapshot().result().prices()) {
            if (classIds.isEmpty() || classIds.contains(p.classId())) {
                table.addPrices(price(p));
            }
        }
        for (WorkloadClass cls : state.snapshot().scenario().classes()) {
            if (!classIds.isEmpty() && !classIds.contains(cls.id())) {
                continue;
            }
            for (OriginSplit origin : market.splits(state.snapshot(), cls.id()).values()) {
                ServingSplit.Builder split = ServingSplit.newBuilder().setOrigin(origin.origin())
                        .setWorkloadClass(cls.id())
                        .setUnservedShare(origin.unserved().share())
                        .setUnservedTokensPerSecond(origin.unserved().unservedTokensPerSecond())
                        .setDemandTokensPerSecond(origin.unserved().demandTokensPerSecond())
                        .setMarginalLatencyMs(origin.marginalLatencyMs());
                if (origin.unserved().any()) {
                    split.setUnservedHint(hint(origin.hint()));
                }
                for (io.tokenflow.market.solution.ServingShare s : origin.shares()) {
                    split.addShares(ServingShare.newBuilder().setNode(s.site()).addAllPath(s.path())
                            .setShare(s.share()).setTokensPerSecond(s.tokensPerSecond())
                            .setLatencyMs(s.latencyMs()));
                }
                table.addSplits(split);
            }
        }
        return table.build();
    }

    static GetMarketResponse market(MarketState state) {
        Scenario scenario = state.snapshot().scenario();
        GetMarketResponse.Builder out = GetMarketResponse.newBuilder()
                .setMarketVersion(state.version())
                .setClearedAt(timestamp(state.snapshot().clearedAt()))
                .setStale(state.stale())
                .setResult(result(state.snapshot().result()))
                .setScenarioJson(io.tokenflow.market.io.ScenarioJson.write(scenario));
        for (ComputeNode node : scenario.nodes()) {
            for (WorkloadClass cls : scenario.classes()) {
                out.addCapacities(Capacity.newBuilder().setNode(node.id()).setWorkloadClass(cls.id())
                        .setTokensPerSecond(node.capacityOf(cls.id())));
            }
        }
        double[][] demand = scenario.demandTable();
        for (int j = 0; j < scenario.nodes().size(); j++) {
            for (int k = 0; k < scenario.classes().size(); k++) {
                out.addDemands(Demand.newBuilder().setOrigin(scenario.nodes().get(j).id())
                        .setWorkloadClass(scenario.classes().get(k).id()).setTokensPerSecond(demand[j][k]));
            }
        }
        return out.build();
    }

    static io.tokenflow.api.v1.ClearingResult result(ClearingResult r) {
        io.tokenflow.api.v1.ClearingResult.Builder out = io.tokenflow.api.v1.ClearingResult.newBuilder()
                .setScenario(r.scenario())
                .setStatus(r.status() == ClearingStatus.OPTIMAL
                        ? io.tokenflow.api.v1.ClearingStatus.CLEARING_STATUS_OPTIMAL
                        : io.tokenflow.api.v1.ClearingStatus.CLEARING_STATUS_INFEASIBLE)
                .setBandwidthModel(r.bandwidthModel() == BandwidthModel.TRANSFER_AWARE
                        ? io.tokenflow.api.v1.BandwidthModel.BANDWIDTH_MODEL_TRANSFER_AWARE
                        : io.tokenflow.api.v1.BandwidthModel.BANDWIDTH_MODEL_TOKEN_EQUIVALENT)
                .setLatencyScope(r.latencyScope() == LatencyScope.PER_LINK
                        ? io.tokenflow.api.v1.LatencyScope.LATENCY_SCOPE_PER_LINK
                        : io.tokenflow.api.v1.LatencyScope.LATENCY_SCOPE_END_TO_END);
        r.objectivePerHour().ifPresent(out::setObjectivePerHour);
        r.prices().forEach(p -> out.addPrices(price(p)));
        r.processing().forEach(p -> out.addProcessing(Processing.newBuilder().setNode(p.node())
                .setWorkloadClass(p.classId()).setTokensPerSecond(p.tokensPerSecond())
                .setCapacityTokensPerSecond(p.capacityTokensPerSecond()).setScarcityRent(p.scarcityRent())));
        r.flows().forEach(f -> out.addFlows(Flow.newBuilder().setFromNode(f.from()).setToNode(f.to())
                .setWorkloadClass(f.classId()).setTokensPerSecond(f.tokensPerSecond())));
        r.pathFlows().forEach(p -> out.addPathFlows(PathFlow.newBuilder().setOrigin(p.origin())
                .setWorkloadClass(p.classId()).addAllPath(p.path()).setTokensPerSecond(p.tokensPerSecond())
                .setLatencyMs(p.latencyMs())));
        r.links().forEach(l -> out.addLinks(LinkState.newBuilder().setFromNode(l.from()).setToNode(l.to())
                .setCongestionRent(l.congestionRent()).setUtilization(l.utilization())
                .setTokensPerSecond(l.tokensPerSecond()).setGbPerSecond(l.gbPerSecond())));
        r.unserved().forEach(u -> out.addUnserved(Unserved.newBuilder().setNode(u.node())
                .setWorkloadClass(u.classId()).setTokensPerSecond(u.tokensPerSecond())));
        r.settlement().ifPresent(s -> out.setSettlement(settlement(s)));
        r.diagnosis().ifPresent(d -> {
            Diagnosis.Builder diagnosis = Diagnosis.newBuilder().setMessage(d.message());
            for (ClassShortfall s : d.shortfalls()) {
                diagnosis.addShortfalls(Shortfall.newBuilder().setWorkloadClass(s.classId())
                        .setDemandTokensPerSecond(s.demandTokensPerSecond())
                        .setShortfallTokensPerSecond(s.shortfallTokensPerSecond())
                        .addAllShortOrigins(s.shortOrigins().stream().map(u -> u.node()).toList())
                        .addAllExhaustedNodes(s.exhaustedNodes())
                        .addAllBottleneckLinks(s.bottleneckLinks())
                        .addAllConstrainedOrigins(s.constrainedOrigins()));
            }
            out.setDiagnosis(diagnosis);
        });
        return out.build();
    }

    static Settlement settlement(io.tokenflow.market.solution.Settlement s) {
        return Settlement.newBuilder()
                .setUserPaymentsPerHour(s.userPaymentsPerHour())
                .setComputeRevenuePerHour(s.computeRevenuePerHour())
                .setNetworkRevenuePerHour(s.networkRevenuePerHour())
                .setMerchandisingSurplusPerHour(s.merchandisingSurplusPerHour())
                .setRouteCostPerHour(s.routeCostPerHour())
                .build();
    }

    static SettlementRecord settlementRecord(io.tokenflow.service.SettlementRecord record) {
        SettlementStatement st = record.statement();
        SettlementRecord.Builder out = SettlementRecord.newBuilder()
                .setMarketVersion(record.version())
                .setClearedAt(timestamp(record.clearedAt()))
                .setTotals(settlement(st.totals()));
        record.supersededAt().ifPresent(t -> out.setSupersededAt(timestamp(t)));
        st.payments().forEach(p -> out.addPayments(Payment.newBuilder().setOrigin(p.origin())
                .setWorkloadClass(p.classId()).setServedTokensPerSecond(p.servedTokensPerSecond())
                .setPricePerMTokens(p.pricePerMTokens()).setAmountPerHour(p.amountPerHour())));
        st.compute().forEach(c -> out.addComputeRevenue(ComputeRevenue.newBuilder().setNode(c.node())
                .setWorkloadClass(c.classId()).setProcessedTokensPerSecond(c.processedTokensPerSecond())
                .setRatePerMTokens(c.ratePerMTokens()).setAmountPerHour(c.amountPerHour())));
        st.network().forEach(n -> out.addNetworkRevenue(NetworkRevenue.newBuilder().setFromNode(n.from())
                .setToNode(n.to()).setTokensPerSecond(n.tokensPerSecond()).setGbPerSecond(n.gbPerSecond())
                .setTariffPerHour(n.tariffPerHour()).setCongestionRentPerHour(n.congestionRentPerHour())
                .setAmountPerHour(n.amountPerHour())));
        return out.build();
    }
}
