package io.tokenflow.client;

import io.tokenflow.api.v1.RetailCurvePoint;
import io.tokenflow.api.v1.RetailDelay;
import io.tokenflow.api.v1.RetailEquilibriumRequest;
import io.tokenflow.api.v1.RetailEquilibriumResponse;
import io.tokenflow.api.v1.RetailFlow;
import io.tokenflow.api.v1.RetailGame;
import io.tokenflow.api.v1.RetailOptimum;
import io.tokenflow.api.v1.RetailPriceRange;
import io.tokenflow.api.v1.RetailProvider;
import io.tokenflow.api.v1.RetailUser;
import io.tokenflow.api.v1.RetailUserCost;
import io.tokenflow.api.v1.RetailWeights;
import java.util.Optional;

/** RetailEquilibrium's SDK records to messages and back. */
final class RetailViews {
    private RetailViews() {}

    static RetailEquilibriumRequest request(RetailGameSpec game, int curvePoints) {
        RetailGame.Builder g = RetailGame.newBuilder().setName(nullToEmpty(game.name()))
                .setWeights(RetailWeights.newBuilder().setPrice(game.priceWeight()).setCongestion(game.congestionWeight())
                        .setDelay(game.delayWeight()))
                .setTarget(game.target().orElse(""));
        game.priceRange().ifPresent(r -> g.setPriceRange(RetailPriceRange.newBuilder().setLo(r.lo()).setHi(r.hi())));
        for (RetailGameSpec.Provider p : game.providers()) {
            RetailProvider.Builder b = RetailProvider.newBuilder().setId(nullToEmpty(p.id())).setPrice(p.price())
                    .setCapacity(p.capacity()).setValue(p.value()).setNode(p.node().orElse(""))
                    .setWorkloadClass(p.workloadClass().orElse(""));
            p.marginalCost().ifPresent(b::setMarginalCost);
            g.addProviders(b);
        }
        for (RetailGameSpec.User u : game.users()) {
            RetailUser.Builder b = RetailUser.newBuilder().setId(nullToEmpty(u.id())).setDemand(u.demand());
            u.delayMs().forEach((provider, ms) -> b.addDelays(RetailDelay.newBuilder().setProvider(nullToEmpty(provider))
                    .setMs(ms == null ? Double.NaN : ms)));
            g.addUsers(b);
        }
        return RetailEquilibriumRequest.newBuilder().setGame(g).setCurvePoints(Math.max(0, curvePoints)).build();
    }

    static RetailAnswerView answer(RetailEquilibriumResponse r) {
        Optional<RetailAnswerView.Optimum> optimum = Optional.empty();
        if (r.hasOptimum()) {
            RetailOptimum o = r.getOptimum();
            optimum = Optional.of(new RetailAnswerView.Optimum(o.getTarget(), o.getPrice(), o.getFlow(), o.getRevenue(),
                    o.getProfit(), o.getMarginalCost(), o.getExact(), o.getPieces(), o.getCurveList().stream()
                            .map(RetailViews::point).toList()));
        }
        return new RetailAnswerView(r.getName(), optimum,
                r.getEquilibriumList().stream().map(RetailViews::flow).toList(),
                r.getUserCostsList().stream().map(RetailViews::cost).toList(), r.getMarketVersion());
    }

    private static RetailAnswerView.CurvePoint point(RetailCurvePoint p) {
        return new RetailAnswerView.CurvePoint(p.getPrice(), p.getFlow(), p.getProfit());
    }

    private static RetailAnswerView.Flow flow(RetailFlow f) {
        return new RetailAnswerView.Flow(f.getUser(), f.getProvider(), f.getTokensPerSecond());
    }

    private static RetailAnswerView.UserCost cost(RetailUserCost c) {
        return new RetailAnswerView.UserCost(c.getUser(), c.getCostPerMTokens());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
