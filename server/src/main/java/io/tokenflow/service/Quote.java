package io.tokenflow.service;

import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.UnservedShare;

/** The answer to Quote: an origin's price with its decomposition, and the market state it came from. */
public record Quote(MarketState state, QuotedPrice quoted) {

    public NodePrice price() {
        return quoted.price();
    }

    /** How much of the origin's demand of the class the cleared market leaves unserved. */
    public UnservedShare unserved() {
        return quoted.unserved();
    }
}
