package io.tokenflow.cli;

import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.client.RetailAnswerView;
import io.tokenflow.client.RetailGameSpec;
import io.tokenflow.market.retail.RetailAnswer;
import io.tokenflow.market.retail.RetailGame;
import io.tokenflow.market.retail.UserEquilibrium;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code tokenflow retail --target}: the game sent to an oracle's RetailEquilibrium, its answer read back. */
final class RetailRemote {
    private RetailRemote() {}

    /** The oracle's answer and the market version whose site prices it used. */
    record Answered(RetailAnswer answer, long marketVersion) {}

    static Answered ask(PricingOracleClient client, RetailGame game, int curvePoints) {
        try (client) {
            RetailAnswerView view = client.retailEquilibrium(spec(game), curvePoints);
            return new Answered(answer(game, view), view.marketVersion());
        }
    }

    static RetailGameSpec spec(RetailGame game) {
        List<RetailGameSpec.Provider> providers = game.providers().stream().map(p -> new RetailGameSpec.Provider(
                p.id(), p.price(), p.capacity(), p.value(), p.marginalCost(), p.site().map(RetailGame.Site::node),
                p.site().map(RetailGame.Site::classId))).toList();
        List<RetailGameSpec.User> users = game.users().stream()
                .map(u -> new RetailGameSpec.User(u.id(), u.demand(), u.delayMs())).toList();
        return new RetailGameSpec(game.name(), game.weights().price(), game.weights().congestion(),
                game.weights().delay(), providers, users, game.target(),
                game.priceRange().map(r -> new RetailGameSpec.PriceRange(r.lo(), r.hi())));
    }

    /** The view as the engine's answer record, so that the same JSON, table and plot print it. */
    static RetailAnswer answer(RetailGame game, RetailAnswerView view) {
        Optional<RetailAnswer.Optimum> optimum = view.optimum().map(o -> new RetailAnswer.Optimum(o.target(), o.price(),
                o.flow(), o.revenue(), o.profit(), o.marginalCost(), o.exact(), o.pieces(), o.curve().stream()
                        .map(p -> new RetailAnswer.CurvePoint(p.price(), p.flow(), p.profit())).toList()));
        Map<String, Double> prices = new LinkedHashMap<>();
        Map<String, Double> providerFlows = new LinkedHashMap<>();
        for (RetailGame.Provider p : game.providers()) {
            prices.put(p.id(), optimum.isPresent() && optimum.get().target().equals(p.id()) ? optimum.get().price()
                    : p.price());
            providerFlows.put(p.id(), 0.0);
        }
        view.equilibrium().forEach(f -> providerFlows.merge(f.provider(), f.tokensPerSecond(), Double::sum));
        UserEquilibrium eq = new UserEquilibrium(prices,
                view.equilibrium().stream().map(f -> new UserEquilibrium.Flow(f.user(), f.provider(), f.tokensPerSecond()))
                        .toList(),
                view.userCosts().stream().map(c -> new UserEquilibrium.UserCost(c.user(), c.costPerMTokens())).toList(),
                providerFlows, 0);
        return new RetailAnswer(view.name(), optimum, eq);
    }
}
