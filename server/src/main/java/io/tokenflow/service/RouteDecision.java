package io.tokenflow.service;

import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.UnservedShare;
import java.util.List;
import java.util.Optional;

/**
 * Where one request goes, and why.
 *
 * @param site          the serving node; empty when the request is not served ({@link Reason#UNSERVED})
 * @param path          node ids from the origin to {@code site}; empty when not served
 * @param originPrice   the origin's price (what the request is billed)
 * @param deliveredCost site price + routing + congestion along {@code path}, $/M tokens; when not served,
 *                      the class's unserved penalty (what the market books for it)
 * @param clearedShare  the share of the origin's served tokens the cleared split sends to {@code site}
 * @param latencyMs     Σ link latency along {@code path} (within the class's limit under END_TO_END)
 * @param unserved      the origin's demand of the class and how much of it the cleared market leaves unserved
 * @param hint          what to do with the request when it is not served; empty when it is
 */
public record RouteDecision(
        MarketState state,
        Optional<String> site,
        List<String> path,
        Reason reason,
        NodePrice originPrice,
        double deliveredCost,
        double clearedShare,
        double latencyMs,
        UnservedShare unserved,
        Optional<UnservedHint> hint) {

    public RouteDecision {
        path = List.copyOf(path);
        if ((reason == Reason.UNSERVED) != site.isEmpty() || site.isEmpty() != hint.isPresent()) {
            throw new IllegalArgumentException("a route has a site and no hint unless it is UNSERVED, got " + reason
                    + " with site " + site + " and hint " + hint);
        }
    }

    public enum Reason {
        /** Drawn from the cleared flow split, by the request id. */
        CLEARED_SPLIT,
        /** The origin has no demand of the class: the site of its marginal unit. */
        MARGINAL_SITE,
        /** Sites were excluded: the cheapest remaining feasible one with spare capacity. */
        CHEAPEST_REMAINING,
        /**
         * Not served: the request id drew the origin's unserved share, or the exclusions leave no site with
         * spare capacity.
         */
        UNSERVED
    }
}
