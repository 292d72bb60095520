package io.tokenflow.market.analysis;

import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.ProcessingLevel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ranks the capacities of a cleared market by what one more unit is worth: the scarcity rent μ of
 * every node × class and the congestion rent η of every link, turned into $/hr and then × hours.
 *
 * <p>Units (LP rates are M tokens/s, money $/s, see the engine's coefficients):
 * <ul>
 *   <li>node × class: +1 token/s is +1e-6 M tokens/s on C_j,k, saving μ × 1e-6 $/s = μ × 0.0036 $/hr;
 *   <li>link, transfer-aware: +1 Gbps is +1/8 GB/s on W_ij, saving η / 8 $/s = 450 η $/hr;
 *   <li>link, token-equivalent: +1 Gbps is +(1/8)/a_min M tokens/s on B_ij = W_ij / a_min
 *       (a_min the lightest class's GB per M tokens), saving η (1/8)/a_min $/s.
 * </ul>
 * Signals are ranked by the value of one more percent of each capacity, the one yardstick that
 * compares tokens/s with Gbps.
 */
public final class InvestmentSignals {
    /** Hours in a (non-leap) year: the default horizon. */
    public static final double HOURS_PER_YEAR = 8760;
    private static final double SECONDS_PER_HOUR = 3600;
    private static final double TOKENS_PER_M = 1e6;

    private InvestmentSignals() {}

    /**
     * Every capacity with a positive rent, most valuable (+1 % × hours) first; ties by asset name.
     *
     * @param horizonHours hours the rent is counted over (finite, > 0)
     * @throws IllegalArgumentException if the clearing is not OPTIMAL (it has no rents) or the horizon is bad
     */
    public static List<InvestmentSignal> rank(Scenario scenario, ClearingResult result, double horizonHours) {
        if (!(horizonHours > 0) || Double.isInfinite(horizonHours)) {
            throw new IllegalArgumentException("horizon must be finite and > 0 hours, got " + horizonHours);
        }
        if (!result.optimal()) {
            throw new IllegalArgumentException("investment signals need an OPTIMAL clearing, got " + result.status());
        }
        List<InvestmentSignal> signals = new ArrayList<>();
        for (ProcessingLevel p : result.processing()) {
            if (p.scarcityRent() > 0) {
                double perUnitHour = p.scarcityRent() / TOKENS_PER_M * SECONDS_PER_HOUR;
                signals.add(signal(InvestmentSignal.Kind.NODE_CLASS, p.node() + "/" + p.classId(),
                        p.capacityTokensPerSecond(), "tokens/s",
                        ratio(p.tokensPerSecond(), p.capacityTokensPerSecond()), p.scarcityRent(), "$/M tokens",
                        perUnitHour, horizonHours));
            }
        }
        boolean transferAware = scenario.bandwidthModel() == BandwidthModel.TRANSFER_AWARE;
        double lightest = scenario.classes().stream().mapToDouble(WorkloadClass::gbPerMTokens).min().orElse(0);
        for (LinkState state : result.links()) {
            if (state.congestionRent() > 0) {
                Link link = scenario.link(state.from(), state.to());
                // $/s per GB/s (transfer-aware) or per M tokens/s of B = W / a_min (token-equivalent)
                double perGbPerSecond = transferAware ? state.congestionRent() : state.congestionRent() / lightest;
                double perGbpsHour = perGbPerSecond / 8 * SECONDS_PER_HOUR;
                signals.add(signal(InvestmentSignal.Kind.LINK, link.label(), link.capacityGbps(), "Gbps",
                        state.utilization(), state.congestionRent(), transferAware ? "$/GB" : "$/M tokens",
                        perGbpsHour, horizonHours));
            }
        }
        signals.sort(Comparator.comparingDouble(InvestmentSignal::onePercentValue).reversed()
                .thenComparing(InvestmentSignal::asset));
        return List.copyOf(signals);
    }

    private static InvestmentSignal signal(InvestmentSignal.Kind kind, String asset, double capacity, String unit,
            double utilization, double rent, String rentUnit, double perUnitHour, double hours) {
        double onePercentPerHour = perUnitHour * capacity * 0.01;
        return new InvestmentSignal(kind, asset, capacity, unit, utilization, rent, rentUnit, perUnitHour,
                onePercentPerHour, hours, onePercentPerHour * hours);
    }

    private static double ratio(double load, double capacity) {
        return capacity > 0 ? load / capacity : 0;
    }
}
