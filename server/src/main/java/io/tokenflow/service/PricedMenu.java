package io.tokenflow.service;

import io.tokenflow.market.menu.OriginMenu;

/** The answer to TierMenu: the menu priced at π(origin, class), and the market state π came from. */
public record PricedMenu(MarketState state, OriginMenu menu) {}
