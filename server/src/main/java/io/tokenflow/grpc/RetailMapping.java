package io.tokenflow.grpc;

import io.tokenflow.api.v1.RetailCurvePoint;
import io.tokenflow.api.v1.RetailDelay;
import io.tokenflow.api.v1.RetailEquilibriumResponse;
import io.tokenflow.api.v1.RetailFlow;
import io.tokenflow.api.v1.RetailOptimum;
import io.tokenflow.api.v1.RetailProvider;
import io.tokenflow.api.v1.RetailUser;
import io.tokenflow.api.v1.RetailUserCost;
import io.tokenflow.market.retail.InvalidGameException;
import io.tokenflow.market.retail.RetailAnswer;
import io.tokenflow.market.retail.RetailGame;
import io.tokenflow.market.retail.UserEquilibrium;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * RetailEquilibrium's messages to the engine's retail game and back. The game's rules are the engine's
 * ({@link RetailGame}); its messages name fields by their JSON path, which this turns into the request's
 * proto path ({@code providers[1].marginalCost} to {@code game.providers[1].marginal_cost}).
 */
final class RetailMapping {
    static final int MAX_PROVIDERS = 1_000;
    static final int MAX_USERS = 10_000;
    static final int MAX_PAIRS = 200_000;

    private static final String[][] FIELD_NAMES = {
        {"priceRange[0]", "price_range.lo"}, {"priceRange[1]", "price_range.hi"}, {"priceRange", "price_range"},
        {"marginalCost", "marginal_cost"}, {"node/class", "node/workload_class"}, {".class ", ".workload_class "},
        {"delayMs.", "delays "}, {"delayMs", "delays"},
    };

    private RetailMapping() {}

    static RetailGame game(io.tokenflow.api.v1.RetailGame game) {
        if (game.getProvidersCount() > MAX_PROVIDERS) {
            throw new IllegalArgumentException("game.providers has " + game.getProvidersCount()
                    + " entries, more than the limit of " + MAX_PROVIDERS);
        }
        if (game.getUsersCount() > MAX_USERS) {
            throw new IllegalArgumentException("game.users has " + game.getUsersCount() + " entries, more than the limit of "
                    + MAX_USERS);
        }
        long pairs = game.getUsersList().stream().mapToLong(RetailUser::getDelaysCount).sum();
        if (pairs > MAX_PAIRS) {
            throw new IllegalArgumentException("game.users have " + pairs + " user x provider pairs in all, more than the "
                    + "limit of " + MAX_PAIRS);
        }
        List<RetailGame.Provider> providers = new ArrayList<>(game.getProvidersCount());
        for (int j = 0; j < game.getProvidersCount(); j++) {
            RetailProvider p = game.getProviders(j);
            if (p.getNode().isEmpty() != p.getWorkloadClass().isEmpty()) {
                throw new IllegalArgumentException("game.providers[" + j + "]: node and workload_class go together, got only "
                        + (p.getNode().isEmpty() ? "workload_class" : "node"));
            }
            providers.add(new RetailGame.Provider(p.getId(), p.getPrice(), p.getCapacity(), p.getValue(),
                    p.hasMarginalCost() ? OptionalDouble.of(p.getMarginalCost()) : OptionalDouble.empty(),
                    p.getNode().isEmpty() ? Optional.empty()
                            : Optional.of(new RetailGame.Site(p.getNode(), p.getWorkloadClass()))));
        }
        List<RetailGame.User> users = new ArrayList<>(game.getUsersCount());
        for (int i = 0; i < game.getUsersCount(); i++) {
            RetailUser u = game.getUsers(i);
            Map<String, Double> delays = new LinkedHashMap<>();
            for (int q = 0; q < u.getDelaysCount(); q++) {
                RetailDelay d = u.getDelays(q);
                if (delays.put(d.getProvider(), d.getMs()) != null) {
                    throw new IllegalArgumentException("game.users[" + i + "].delays[" + q + "]: provider '"
                            + StatusMapping.shorten(d.getProvider()) + "' is listed twice");
                }
            }
            users.add(new RetailGame.User(u.getId(), u.getDemand(), delays));
        }
        var w = game.getWeights();
        try {
            return new RetailGame(game.getName().isEmpty() ? null : game.getName(),
                    new RetailGame.Weights(w.hasPrice() ? w.getPrice() : 1, w.getCongestion(), w.getDelay()),
                    providers, users, game.getTarget().isEmpty() ? Optional.empty() : Optional.of(game.getTarget()),
                    game.hasPriceRange() ? Optional.of(new RetailGame.PriceRange(game.getPriceRange().getLo(),
                            game.getPriceRange().getHi())) : Optional.empty());
        } catch (InvalidGameException e) {
            throw renamed(e);
        }
    }

    /** The engine's message with the request's field names: {@code game.} in front, proto spelling. */
    static IllegalArgumentException renamed(InvalidGameException e) {
        String message = e.getMessage();
        for (String[] names : FIELD_NAMES) {
            message = message.replace(names[0], names[1]);
        }
        return new IllegalArgumentException("game." + message);
    }

    static RetailEquilibriumResponse answer(RetailAnswer answer, long version) {
        RetailEquilibriumResponse.Builder b = RetailEquilibriumResponse.newBuilder().setName(answer.name())
                .setMarketVersion(version);
        answer.optimum().ifPresent(o -> {
            RetailOptimum.Builder ob = RetailOptimum.newBuilder().setTarget(o.target()).setPrice(o.price())
                    .setFlow(o.flow()).setRevenue(o.revenue()).setProfit(o.profit()).setMarginalCost(o.marginalCost())
                    .setExact(o.exact()).setPieces(o.pieces());
            for (RetailAnswer.CurvePoint p : o.curve()) {
                ob.addCurve(RetailCurvePoint.newBuilder().setPrice(p.price()).setFlow(p.flow()).setProfit(p.profit()));
            }
            b.setOptimum(ob);
        });
        for (UserEquilibrium.Flow f : answer.equilibrium().flows()) {
            b.addEquilibrium(RetailFlow.newBuilder().setUser(f.user()).setProvider(f.provider())
                    .setTokensPerSecond(f.tokensPerSecond()));
        }
        for (UserEquilibrium.UserCost c : answer.equilibrium().userCosts()) {
            b.addUserCosts(RetailUserCost.newBuilder().setUser(c.user()).setCostPerMTokens(c.costPerMTokens()));
        }
        return b.build();
    }
}
