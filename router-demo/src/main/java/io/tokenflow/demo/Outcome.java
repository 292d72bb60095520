package io.tokenflow.demo;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one strategy did over the window. Tokens are tokens (not M); costs in $ over the window.
 *
 * <p>Every requested token ends in exactly one place: served in the window, or unserved, which is
 * rejected by a full site, shed by the router, unrouted (the router knew no site), or still queued at
 * the end. {@link #costWithPenalty()} prices every unserved token at its class's penalty, as the LP
 * prices what it sheds.
 */
final class Outcome {
    final String name;
    /** Per step: the cost of the tokens served in it, and the penalty of the tokens it dropped. */
    final double[] servedCostPerStep;
    final double[] penaltyPerStep;
    double requestedTokens;
    double servedTokens;
    double servedCost;
    double servedWithinLatencyTokens;
    double rejectedTokens;
    double shedTokens;
    double unroutedTokens;
    double queuedAtEnd;
    double penalty;
    /** Served cost plus penalty, per half (0 before the drop, 1 after). */
    final double[] costWithPenaltyByHalf = new double[2];
    double maxQueueSeconds;
    final TreeSet<String> overloadedSites = new TreeSet<>();
    final TreeSet<String> overloadedSiteClasses = new TreeSet<>();
    final TreeSet<String> overloadedLinks = new TreeSet<>();
    /** Site × class → tokens still queued at the end, where any are. */
    final TreeMap<String, Double> queuedAtEndBySite = new TreeMap<>();
    /** half (0 before the drop, 1 after) → origin → site (or {@link #SHED}) → routed tokens, drop class only. */
    final List<Map<String, Map<String, Double>>> dropClassShares = List.of(new TreeMap<>(), new TreeMap<>());

    /** The key of the tokens a strategy shed in {@link #dropClassShares}. */
    static final String SHED = "(shed)";

    Outcome(String name, int steps) {
        this.name = name;
        this.servedCostPerStep = new double[steps];
        this.penaltyPerStep = new double[steps];
    }

    double unservedTokens() {
        return rejectedTokens + shedTokens + unroutedTokens + queuedAtEnd;
    }

    double costWithPenalty() {
        return servedCost + penalty;
    }
}
