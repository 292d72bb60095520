package io.tokenflow.market.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetailLeaderOptimumTest {

    private static RetailAnswer.Optimum optimum(RetailGame game) {
        return RetailPricing.answer(game, Optional.empty(), 101).optimum().orElseThrow();
    }

    private static double cost(RetailGame game) {
        return RetailPricing.marginalCost(game, game.providerIndex(game.target().orElseThrow()), Optional.empty());
    }

    @Test
    void aMonopolyMatchesTheHandSolution() {
        // one user, one provider: all demand D goes to it whatever the price, so profit (p − c) D is
        // largest at the top of the range
        RetailGame game = new RetailGame("monopoly", new RetailGame.Weights(1, 1, 0),
                List.of(new RetailGame.Provider("a", 1, 1, 0, OptionalDouble.of(0.5), Optional.empty())),
                List.of(new RetailGame.User("u", 2, Map.of("a", 0.0))), Optional.of("a"),
                Optional.of(new RetailGame.PriceRange(0, 10)));
        RetailAnswer.Optimum o = optimum(game);
        assertEquals(10, o.price(), 0);
        assertEquals(19, o.profit(), 1e-12);
        assertTrue(o.exact());
    }

    @Test
    void aDuopolyMatchesTheHandSolution() {
        // one user (D = 1), two providers with w_q = 1, α = 1, the rival at price 2: the marginal costs
        // p + 2 f_a and 2 + 2 (1 − f_a) are equal at f_a = (4 − p)/4, so both are used for p in [0, 4] and
        // only b above; the profit p (4 − p)/4 peaks at p = 2, f_a = 0.5, profit 1
        RetailGame game = new RetailGame("duopoly", new RetailGame.Weights(1, 1, 0),
                List.of(RetailGame.Provider.of("a", 1, 1, 0), RetailGame.Provider.of("b", 2, 1, 0)),
                List.of(new RetailGame.User("u", 1, Map.of("a", 0.0, "b", 0.0))), Optional.of("a"),
                Optional.of(new RetailGame.PriceRange(0, 10)));
        RetailAnswer.Optimum o = optimum(game);
        assertEquals(2, o.price(), 1e-12);
        assertEquals(1, o.profit(), 1e-12);
        assertEquals(0.5, o.flow(), 1e-12);
        assertEquals(2, o.pieces(), "[0, 4] both used, [4, 10] only b");
        assertTrue(o.exact());
    }

    @Test
    void theTraceAgreesWithFreshSolvesEverywhere() {
        SplittableRandom random = new SplittableRandom(11);
        for (long seed = 1; seed <= 25; seed++) {
            RetailGame game = RandomGames.game(2 + (int) (seed % 9), 1 + (int) (seed * 5 % 25), 0.7, seed);
            CompiledGame g = new CompiledGame(game);
            ParametricTrace.Trace trace = ParametricTrace.trace(g, game.postedPrices(), 0, 0, 20);
            for (int k = 0; k < 40; k++) {
                double p = 20 * random.nextDouble();
                double fresh = EquilibriumSolver.at(game, withPrice(game, p)).providerFlow("p0");
                assertEquals(fresh, trace.at(p).flow(p), 1e-9 * game.totalDemand(), "seed " + seed + " p " + p);
            }
        }
    }

    @Test
    void theOptimumBeatsADenseGrid() {
        for (long seed = 1; seed <= 20; seed++) {
            RetailGame game = RandomGames.game(2 + (int) (seed % 12), 1 + (int) (seed * 3 % 20), 0.8, seed);
            RetailAnswer.Optimum o = optimum(game);
            RetailBaselines.Best grid = RetailBaselines.denseGrid(game, cost(game), 2000);
            assertTrue(o.exact(), "seed " + seed);
            assertTrue(o.profit() >= grid.profit() - 1e-9 * Math.abs(grid.profit()),
                    "seed " + seed + ": " + o.profit() + " < grid " + grid.profit());
            assertTrue(o.profit() - grid.profit() <= 1e-3 * Math.abs(o.profit()), "the grid is far off: seed " + seed);
        }
    }

    @Test
    void theOptimumEqualsActiveSetEnumerationOnSmallMarkets() {
        for (long seed = 1; seed <= 12; seed++) {
            int m = 2 + (int) (seed % 7); // up to 8 providers
            int n = 1 + (int) (seed % 3);
            RetailGame game = RandomGames.game(m, n, 1.0, seed);
            if (new CompiledGame(game).pairs > 16) {
                game = RandomGames.game(m, 16 / m, 1.0, seed);
            }
            RetailAnswer.Optimum o = optimum(game);
            RetailBaselines.Best brute = RetailBaselines.enumerate(game, cost(game));
            // profits are compared on the scale of the largest possible one, price × all demand
            double scale = 20 * game.totalDemand();
            assertEquals(brute.profit(), o.profit(), 1e-9 * scale, "seed " + seed);
            if (brute.profit() > 1e-6 * scale) {
                assertEquals(brute.price(), o.price(), 1e-6, "seed " + seed);
            }
        }
    }

    private static double[] withPrice(RetailGame game, double p) {
        double[] prices = game.postedPrices();
        prices[0] = p;
        return prices;
    }
}
