package io.tokenflow.service;

import java.util.List;

/** The answer to FeasibleSites: every site the class may reach from the origin, cheapest delivered cost first. */
public record FeasibleSites(MarketState state, String origin, String classId, List<SiteOffer> sites) {

    public FeasibleSites {
        sites = List.copyOf(sites);
    }
}
