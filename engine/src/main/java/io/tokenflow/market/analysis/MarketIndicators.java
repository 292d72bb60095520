package io.tokenflow.market.analysis;

import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.ProcessingLevel;
import java.util.List;

/**
 * The counts the paper reads off a clearing (§4.2): scarce node-class pairs and congested links.
 *
 * <p>"Scarce" is μ ≥ a threshold rather than μ > 0: the LP gives tiny rents (0.004-0.014 $/M tokens
 * on the 5-node case) to pairs that are full only by a hair, and the paper's counts (4 at 35x, 5 at
 * 40x) exclude them; any threshold in (0.014, 0.174) reproduces them (docs/paper-reproduction.md).
 *
 * @param scarcityThreshold μ at or above which a node-class pair counts as scarce ($/M tokens)
 */
public record MarketIndicators(double scarcityThreshold) {
    /** The default threshold: 0.05 $/M tokens. */
    public static final double DEFAULT_SCARCITY_THRESHOLD = 0.05;
    /** A link is saturated when its load is within this of its capacity. */
    public static final double SATURATION = 1 - 1e-6;

    public MarketIndicators {
        if (!(scarcityThreshold >= 0) || Double.isInfinite(scarcityThreshold)) {
            throw new IllegalArgumentException("scarcity threshold must be finite and >= 0, got " + scarcityThreshold);
        }
    }

    public static MarketIndicators defaults() {
        return new MarketIndicators(DEFAULT_SCARCITY_THRESHOLD);
    }

    public List<ProcessingLevel> scarcePairs(ClearingResult result) {
        return result.processing().stream().filter(p -> p.scarcityRent() >= scarcityThreshold).toList();
    }

    /** Links with a positive congestion rent. */
    public static List<LinkState> congestedLinks(ClearingResult result) {
        return result.links().stream().filter(l -> l.congestionRent() > 0).toList();
    }

    /** Links loaded to capacity, whether or not they earn a rent. */
    public static List<LinkState> saturatedLinks(ClearingResult result) {
        return result.links().stream().filter(l -> l.utilization() >= SATURATION).toList();
    }
}
