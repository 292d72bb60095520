package io.tokenflow.service;

import io.tokenflow.market.solution.ServingShare;
import io.tokenflow.market.solution.UnservedShare;
import java.util.List;

/**
 * What Route draws from for one origin × class: where the cleared market sends its served tokens, and
 * how much of its demand it leaves unserved.
 *
 * @param shares   the served tokens per site, largest first, shares summing to 1; empty when none is served
 * @param unserved the origin's demand of the class and the part the market leaves unserved
 * @param hint     what a router should do with a request drawn unserved (the class's, see {@link UnservedHint})
 */
public record OriginSplit(List<ServingShare> shares, UnservedShare unserved, UnservedHint hint) {

    public OriginSplit {
        shares = List.copyOf(shares);
        if (shares.isEmpty() && !unserved.any()) {
            throw new IllegalArgumentException("a split of " + unserved.origin() + "/" + unserved.classId()
                    + " needs served shares or unserved demand, got neither");
        }
    }

    public String origin() {
        return unserved.origin();
    }
}
