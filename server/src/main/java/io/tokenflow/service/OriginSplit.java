package io.tokenflow.service;

import io.tokenflow.market.solution.ServingShare;
import io.tokenflow.market.solution.UnservedShare;
import java.util.List;

/**
 * What Route draws from for one origin × class: where the cleared market sends its served tokens, how
 * much of its demand it leaves unserved, and, for an origin that neither serves nor sheds any (no
 * demand), the latency of its marginal unit's path, where Route sends it instead.
 *
 * @param shares            the served tokens per site, largest first, shares summing to 1; empty when none is served
 * @param unserved          the origin's demand of the class and the part the market leaves unserved
 * @param hint              what a router should do with a request drawn unserved (the class's, see {@link UnservedHint})
 * @param marginalLatencyMs Σ link latency along the path of the origin's price (its marginal unit), ms; 0 when
 *                          the marginal unit goes unserved
 */
public record OriginSplit(List<ServingShare> shares, UnservedShare unserved, UnservedHint hint,
        double marginalLatencyMs) {

    public OriginSplit {
        shares = List.copyOf(shares);
    }

    public String origin() {
        return unserved.origin();
    }

    /** Whether Route draws this origin's requests from the split: the market serves or sheds some of its demand. */
    public boolean drawsFromSplit() {
        return !shares.isEmpty() || unserved.any();
    }
}
