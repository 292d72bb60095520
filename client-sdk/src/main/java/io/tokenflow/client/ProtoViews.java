package io.tokenflow.client;

import com.google.protobuf.Timestamp;
import io.tokenflow.api.v1.ClearingResult;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.NodePrice;
import io.tokenflow.api.v1.PriceHistoryResponse;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.api.v1.Settlement;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.api.v1.Site;
import java.time.Instant;
import java.util.List;
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
                r.getCongestion(), r.getUnservedPenalty(), r.getMarketVersion(), instant(r.getClearedAt()),
                r.getStale(), AnswerSource.REMOTE);
    }

    static OracleQuote quote(NodePrice p, long version, Instant clearedAt, boolean stale) {
        return new OracleQuote(p.getNode(), p.getWorkloadClass(), p.getPricePerMTokens(),
                nonEmpty(p.getServingNode()), p.getPathList(), p.getEnergy(), p.getScarcity(), p.getRouting(),
                p.getCongestion(), p.getUnservedPenalty(), version, clearedAt, stale, AnswerSource.REMOTE);
    }

    static OracleSite site(Site s) {
        return new OracleSite(s.getNode(), s.getPathList(), s.getDeliveredCostPerMTokens(), s.getSitePricePerMTokens(),
                s.getRouting(), s.getCongestion(), s.getLatencyMs(), s.getClearedShare(), s.getSpareTokensPerSecond());
    }

    static MarketView market(GetMarketResponse r) {
        Instant clearedAt = instant(r.getClearedAt());
        ClearingResult result = r.getResult();
        return new MarketView(r.getMarketVersion(), clearedAt, r.getStale(),
                r.hasResult() ? OptionalDouble.of(result.getObjectivePerHour()) : OptionalDouble.empty(),
                result.getPricesList().stream().map(p -> quote(p, r.getMarketVersion(), clearedAt, r.getStale()))
                        .toList(),
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
