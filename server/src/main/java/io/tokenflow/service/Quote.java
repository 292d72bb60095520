package io.tokenflow.service;

import io.tokenflow.market.solution.NodePrice;

/** The answer to Quote: an origin's price with its decomposition, and the market state it came from. */
public record Quote(MarketState state, QuotedPrice quoted) {

    public NodePrice price() {
        return quoted.price();
    }
}
