package io.tokenflow.service;

import io.tokenflow.market.solution.UnservedShare;
import java.util.List;

/**
 * The answer to FeasibleSites: every site the class may reach from the origin, cheapest delivered cost
 * first, and how much of the origin's demand the cleared market leaves unserved (so a router can plan).
 */
public record FeasibleSites(MarketState state, String origin, String classId, List<SiteOffer> sites,
        UnservedShare unserved) {

    public FeasibleSites {
        sites = List.copyOf(sites);
    }
}
