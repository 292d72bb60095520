package io.tokenflow.market.analysis;

/**
 * What one more unit of one capacity is worth at the current clearing: a node × class serving
 * capacity (priced by its scarcity rent μ) or a link (priced by its congestion rent η).
 *
 * <p>The rent is a derivative of the optimal cost, so it predicts the cost drop of a small capacity
 * increase exactly while the optimal basis holds, and bounds it from above beyond that (the optimal
 * cost is convex and piecewise linear in capacity).
 *
 * @param kind              what kind of capacity
 * @param asset             {@code node/class} or {@code from->to}
 * @param capacity          the capacity now, in {@code capacityUnit}
 * @param capacityUnit      {@code tokens/s} (node × class) or {@code Gbps} (link)
 * @param utilization       load / capacity (1 = full)
 * @param rent              μ_j,k in $/M tokens, or η_ij in $/M tokens (token-equivalent) or $/GB
 *                          (transfer-aware)
 * @param rentUnit          the unit of {@code rent}
 * @param valuePerUnitHour  $/hr saved by one more capacity unit (1 token/s or 1 Gbps)
 * @param onePercentPerHour $/hr the rent predicts one more percent of this capacity saves
 * @param horizonHours      the hours {@code onePercentValue} counts
 * @param onePercentValue   {@code onePercentPerHour × horizonHours}: the rent × hours of +1 %
 */
public record InvestmentSignal(
        Kind kind,
        String asset,
        double capacity,
        String capacityUnit,
        double utilization,
        double rent,
        String rentUnit,
        double valuePerUnitHour,
        double onePercentPerHour,
        double horizonHours,
        double onePercentValue) {

    /** The two capacities the market prices. */
    public enum Kind {
        /** C_j,k, serving capacity of one class at one node, with rent μ_j,k. */
        NODE_CLASS,
        /** The capacity of one directed link, with rent η_ij. */
        LINK
    }
}
