package io.tokenflow.service;

import io.tokenflow.market.solution.NodePrice;
import java.util.List;

/**
 * Where one request goes, and why.
 *
 * @param site          the serving node
 * @param path          node ids from the origin to {@code site}
 * @param originPrice   the origin's price (what the request is billed)
 * @param deliveredCost site price + routing + congestion along {@code path}, $/M tokens
 * @param clearedShare  the share of the origin's served tokens the cleared split sends to {@code site}
 * @param latencyMs     Σ link latency along {@code path} (within the class's limit under END_TO_END)
 */
public record RouteDecision(
        MarketState state,
        String site,
        List<String> path,
        Reason reason,
        NodePrice originPrice,
        double deliveredCost,
        double clearedShare,
        double latencyMs) {

    public RouteDecision {
        path = List.copyOf(path);
    }

    public enum Reason {
        /** Drawn from the cleared flow split, by the request id. */
        CLEARED_SPLIT,
        /** The origin serves nothing of the class: the site of its marginal unit. */
        MARGINAL_SITE,
        /** Sites were excluded: the cheapest remaining feasible one. */
        CHEAPEST_REMAINING
    }
}
