package io.tokenflow.service;

import io.tokenflow.market.menu.InvalidMenuException;
import io.tokenflow.market.menu.MenuRequest;
import io.tokenflow.market.menu.MenuSolver;
import io.tokenflow.market.menu.OriginMenu;

/**
 * Tier menus priced from the live market: the cost of a served token is π(origin, class) of the version
 * published now, read once from one {@link MarketState} so the menu and the version it names agree.
 * Never touches a clearing solver; the menu program runs on the caller's thread (milliseconds for tens of
 * types; see {@code MenuProblem.MAX_TYPES} for the bound).
 */
final class MenuPricing {
    private MenuPricing() {}

    static PricedMenu price(PublishedMarket market, MenuRequest request) {
        if (request.costPerMTokens().isPresent()) {
            throw new InvalidMenuException("costPerMTokens: the oracle prices at π(origin, class) of its market; "
                    + "leave the cost out");
        }
        String origin = request.origin().orElseThrow(() -> new InvalidMenuException("origin must not be empty"));
        String classId = request.classId().orElseThrow(() -> new InvalidMenuException("class must not be empty"));
        Quote quote = market.quote(origin, classId);
        double pi = quote.price().price();
        return new PricedMenu(quote.state(), new OriginMenu(origin, classId, MenuSolver.solve(request.problem(pi))));
    }
}
