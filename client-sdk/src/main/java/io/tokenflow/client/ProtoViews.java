package io.tokenflow.client;

import com.google.protobuf.Timestamp;
import io.tokenflow.api.v1.ClearingResult;
import io.tokenflow.api.v1.FeasibleSitesResponse;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.NodePrice;
import io.tokenflow.api.v1.PriceHistoryResponse;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.RouteResponse;
import io.tokenflow.api.v1.Settlement;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.api.v1.Site;
import io.tokenflow.api.v1.UnservedHint;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The oracle's messages as the SDK's records. Every number is copied as is, so a record holds exactly
 * what the oracle sent (a read replica adopts the leader's version from them bit for bit). Stateless.
 */
final class ProtoViews {
    private ProtoViews() {}

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    static OracleQuote quote(QuoteResponse r) {
        return new OracleQuote(r.getOrigin(), r.getWorkloadClass(), r.getPricePerMTokens(),
                nonEmpty(r.getServingNode()), r.getPathList(), r.getEnergy(), r.getScarcity(), r.getRouting(),
                r.getCongestion(), r.getUnservedPenalty(), r.getDemandTokensPerSecond(),
                r.getUnservedTokensPerSecond(), r.getUnservedShare(), r.getMarketVersion(), instant(r.getClearedAt()),
                r.getStale(), AnswerSource.REMOTE);
    }

    /** A price of a table or a market, with the origin's demand, the part left unserved, and its share. */
    static OracleQuote quote(NodePrice p, double demand, double unserved, double unservedShare, long version,
            Instant clearedAt, boolean stale, AnswerSource source) {
        return new OracleQuote(p.getNode(), p.getWorkloadClass(), p.getPricePerMTokens(),
                nonEmpty(p.getServingNode()), p.getPathList(), p.getEnergy(), p.getScarcity(), p.getRouting(),
                p.getCongestion(), p.getUnservedPenalty(), demand, unserved, unservedShare, version, clearedAt, stale,
                source);
    }

    static OracleRoute route(RouteResponse r) {
        OracleRoute.Reason reason = switch (r.getReason()) {
            case ROUTE_REASON_CLEARED_SPLIT -> OracleRoute.Reason.CLEARED_SPLIT;
            case ROUTE_REASON_MARGINAL_SITE -> OracleRoute.Reason.MARGINAL_SITE;
            case ROUTE_REASON_UNSERVED -> OracleRoute.Reason.UNSERVED;
            default -> OracleRoute.Reason.CHEAPEST_REMAINING;
        };
        return new OracleRoute(r.getServingNode(), r.getPathList(), r.getPricePerMTokens(), r.getMarketVersion(),
                reason, r.getClearedShare(), r.getLatencyMs(), hint(r.getUnservedHint()), r.getUnservedShare(),
                r.getStale(), AnswerSource.REMOTE);
    }

    static OracleRoute.UnservedHint hint(UnservedHint hint) {
        return switch (hint) {
            case UNSERVED_HINT_SHED -> OracleRoute.UnservedHint.SHED;
            case UNSERVED_HINT_QUEUE -> OracleRoute.UnservedHint.QUEUE;
            default -> OracleRoute.UnservedHint.NONE;
        };
    }

    static OracleSite site(Site s) {
        return new OracleSite(s.getNode(), s.getPathList(), s.getDeliveredCostPerMTokens(), s.getSitePricePerMTokens(),
                s.getRouting(), s.getCongestion(), s.getLatencyMs(), s.getClearedShare(), s.getSpareTokensPerSecond(),
                s.getEnergy(), s.getScarcity());
    }

    static FeasibleSitesView sites(FeasibleSitesResponse r) {
        return new FeasibleSitesView(r.getOrigin(), r.getWorkloadClass(),
                r.getSitesList().stream().map(ProtoViews::site).toList(), r.getDemandTokensPerSecond(),
                r.getUnservedTokensPerSecond(), r.getUnservedShare(), r.getMarketVersion(), r.getStale());
    }

    static MarketView market(GetMarketResponse r) {
        Instant clearedAt = instant(r.getClearedAt());
        ClearingResult result = r.getResult();
        Map<String, Double> demand = new HashMap<>();
        r.getDemandsList().forEach(d -> demand.put(d.getOrigin() + '\u0000' + d.getWorkloadClass(),
                d.getTokensPerSecond()));
        Map<String, Double> unserved = new HashMap<>();
        result.getUnservedList().forEach(u -> unserved.put(u.getNode() + '\u0000' + u.getWorkloadClass(),
                u.getTokensPerSecond()));
        return new MarketView(r.getMarketVersion(), clearedAt, r.getStale(),
                r.hasResult() ? OptionalDouble.of(result.getObjectivePerHour()) : OptionalDouble.empty(),
                result.getPricesList().stream().map(p -> {
                    String key = p.getNode() + '\u0000' + p.getWorkloadClass();
                    double d = demand.getOrDefault(key, 0.0);
                    // as the oracle counts it: never more unserved than the demand
                    double y = Math.min(d, Math.max(0, unserved.getOrDefault(key, 0.0)));
                    return quote(p, d, y, y == 0 ? 0 : y / d, r.getMarketVersion(), clearedAt, r.getStale(),
                            AnswerSource.REMOTE);
                }).toList(),
                r.getCapacitiesList().stream()
                        .map(c -> new MarketView.Rate(c.getNode(), c.getWorkloadClass(), c.getTokensPerSecond())).toList(),
                r.getDemandsList().stream()
                        .map(d -> new MarketView.Rate(d.getOrigin(), d.getWorkloadClass(), d.getTokensPerSecond())).toList(),
                clearing(result), r.getScenarioJson());
    }

    static ClearingView clearing(ClearingResult r) {
        return new ClearingView(r.getScenario(),
                r.getStatus() == io.tokenflow.api.v1.ClearingStatus.CLEARING_STATUS_INFEASIBLE
                        ? ClearingView.Status.INFEASIBLE : ClearingView.Status.OPTIMAL,
                r.getBandwidthModel() == io.tokenflow.api.v1.BandwidthModel.BANDWIDTH_MODEL_TRANSFER_AWARE
                        ? ClearingView.BandwidthModel.TRANSFER_AWARE : ClearingView.BandwidthModel.TOKEN_EQUIVALENT,
                r.getLatencyScope() == io.tokenflow.api.v1.LatencyScope.LATENCY_SCOPE_PER_LINK
                        ? ClearingView.LatencyScope.PER_LINK : ClearingView.LatencyScope.END_TO_END,
                // the oracle sets the objective only on an OPTIMAL result
                r.getStatus() == io.tokenflow.api.v1.ClearingStatus.CLEARING_STATUS_OPTIMAL
                        ? OptionalDouble.of(r.getObjectivePerHour()) : OptionalDouble.empty(),
                r.getPricesList().stream().map(p -> new ClearingView.Price(p.getNode(), p.getWorkloadClass(),
                        p.getPricePerMTokens(), p.getEnergy(), p.getScarcity(), p.getRouting(), p.getCongestion(),
                        p.getUnservedPenalty(), nonEmpty(p.getServingNode()), p.getPathList(), p.getElectricityCost(),
                        p.getOpexCost())).toList(),
                r.getProcessingList().stream().map(p -> new ClearingView.Processing(p.getNode(), p.getWorkloadClass(),
                        p.getTokensPerSecond(), p.getCapacityTokensPerSecond(), p.getScarcityRent())).toList(),
                r.getFlowsList().stream().map(f -> new ClearingView.Flow(f.getFromNode(), f.getToNode(),
                        f.getWorkloadClass(), f.getTokensPerSecond())).toList(),
                r.getPathFlowsList().stream().map(p -> new ClearingView.PathFlow(p.getOrigin(), p.getWorkloadClass(),
                        p.getPathList(), p.getTokensPerSecond(), p.getLatencyMs())).toList(),
                r.getLinksList().stream().map(l -> new ClearingView.Link(l.getFromNode(), l.getToNode(),
                        l.getCongestionRent(), l.getUtilization(), l.getTokensPerSecond(), l.getGbPerSecond())).toList(),
                r.getUnservedList().stream().map(u -> new ClearingView.Unserved(u.getNode(), u.getWorkloadClass(),
                        u.getTokensPerSecond())).toList(),
                r.hasSettlement() ? Optional.of(totals(r.getSettlement())) : Optional.empty(),
                r.hasDiagnosis() ? Optional.of(new ClearingView.Diagnosis(r.getDiagnosis().getMessage(),
                        r.getDiagnosis().getShortfallsList().stream().map(s -> new ClearingView.Shortfall(
                                s.getWorkloadClass(), s.getDemandTokensPerSecond(), s.getShortfallTokensPerSecond(),
                                s.getShortOriginsList(), s.getExhaustedNodesList(), s.getBottleneckLinksList(),
                                s.getConstrainedOriginsList())).toList()))
                        : Optional.empty());
    }

    static SettlementTotals totals(Settlement s) {
        return new SettlementTotals(s.getUserPaymentsPerHour(), s.getComputeRevenuePerHour(),
                s.getNetworkRevenuePerHour(), s.getMerchandisingSurplusPerHour(), s.getRouteCostPerHour());
    }

    static SettlementView settlement(SettlementRecord r) {
        return new SettlementView(r.getMarketVersion(), instant(r.getClearedAt()),
                r.hasSupersededAt() ? Optional.of(instant(r.getSupersededAt())) : Optional.empty(),
                r.getPaymentsList().stream().map(p -> new SettlementView.Payment(p.getOrigin(), p.getWorkloadClass(),
                        p.getServedTokensPerSecond(), p.getPricePerMTokens(), p.getAmountPerHour())).toList(),
                r.getComputeRevenueList().stream().map(c -> new SettlementView.ComputeRevenue(c.getNode(),
                        c.getWorkloadClass(), c.getProcessedTokensPerSecond(), c.getRatePerMTokens(),
                        c.getAmountPerHour())).toList(),
                r.getNetworkRevenueList().stream().map(n -> new SettlementView.NetworkRevenue(n.getFromNode(),
                        n.getToNode(), n.getTokensPerSecond(), n.getGbPerSecond(), n.getTariffPerHour(),
                        n.getCongestionRentPerHour(), n.getAmountPerHour())).toList(),
                totals(r.getTotals()));
    }

    static PriceHistoryView priceHistory(PriceHistoryResponse r) {
        List<PriceHistoryView.Point> points = r.getPointsList().stream().map(p -> new PriceHistoryView.Point(
                p.getMarketVersion(), instant(p.getClearedAt()), p.getPricePerMTokens(), p.getEnergy(),
                p.getScarcity(), p.getRouting(), p.getCongestion(), p.getUnservedPenalty(),
                nonEmpty(p.getServingNode()), p.getCause(),
                p.getCausesList().stream().map(c -> new PriceHistoryView.Cause(c.getKind(), c.getSubject(),
                        c.getPreviousValue(), c.getValue(), c.getUnit())).toList(),
                p.getCausesOmitted())).toList();
        return new PriceHistoryView(r.getOrigin(), r.getWorkloadClass(), points, r.getOldestRetainedVersion(),
                instant(r.getOldestRetainedAt()));
    }
}
