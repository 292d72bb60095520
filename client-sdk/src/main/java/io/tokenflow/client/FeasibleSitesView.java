package io.tokenflow.client;

import java.util.List;

/**
 * The answer to FeasibleSites: every site the class may reach from the origin, cheapest delivered cost
 * first, and how much of the origin's demand the cleared market leaves unserved, so a router can plan
 * (the unserved share is what Route sheds).
 *
 * @param sites                   cheapest delivered cost first; only sites with capacity for the class
 * @param demandTokensPerSecond   the origin's demand of the class
 * @param unservedTokensPerSecond the part of it the cleared market leaves unserved
 * @param unservedShare           unserved / demand (0 without demand)
 */
public record FeasibleSitesView(
        String origin,
        String workloadClass,
        List<OracleSite> sites,
        double demandTokensPerSecond,
        double unservedTokensPerSecond,
        double unservedShare,
        long marketVersion,
        boolean stale) {

    public FeasibleSitesView {
        sites = List.copyOf(sites);
    }
}
