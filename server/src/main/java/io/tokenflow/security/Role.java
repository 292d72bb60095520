package io.tokenflow.security;

import java.util.Locale;

/**
 * What a principal may call. Each role includes the one before it: a router reads (Quote, Route,
 * FeasibleSites, WatchPrices, GetMarket, reflection); a provider also updates the capacity of the nodes
 * it is granted; an operator may call everything (demand, electricity prices, links, settlement export).
 */
public enum Role {
    ROUTER, PROVIDER, OPERATOR;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Role parse(String value) {
        for (Role r : values()) {
            if (r.id().equals(value)) {
                return r;
            }
        }
        return null;
    }
}
