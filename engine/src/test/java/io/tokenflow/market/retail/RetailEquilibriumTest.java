package io.tokenflow.market.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetailEquilibriumTest {

    @Test
    void oneUserTwoProvidersMatchesTheHandSolution() {
        // w_q = 1, α = 1, D = 1, no delay, b = 0, prices 1 and 2: marginal costs 1 + (2 f1) and 2 + 2 f2
        // (F_j + f_ij = 2 f_ij for a lone user); equal at f1 = 0.75, f2 = 0.25
        RetailGame game = new RetailGame("hand", new RetailGame.Weights(1, 1, 0),
                List.of(RetailGame.Provider.of("a", 1, 1, 0), RetailGame.Provider.of("b", 2, 1, 0)),
                List.of(new RetailGame.User("u", 1, Map.of("a", 0.0, "b", 0.0))), Optional.empty(), Optional.empty());
        UserEquilibrium eq = EquilibriumSolver.atPostedPrices(game);
        assertEquals(0.75, eq.flow("u", "a"), 1e-12);
        assertEquals(0.25, eq.flow("u", "b"), 1e-12);
        // C/D = 0.75 (1 + 0.75) + 0.25 (2 + 0.25) = 1.875
        assertEquals(1.875, eq.userCosts().get(0).costPerMTokens(), 1e-12);
    }

    @Test
    void randomGamesMeetTheKktConditions() {
        for (long seed = 1; seed <= 40; seed++) {
            int m = 2 + (int) (seed % 12);
            int n = 1 + (int) (seed * 7 % 30);
            RetailGame game = RandomGames.game(m, n, 0.7, seed);
            KktCheck.assertEquilibrium(game, EquilibriumSolver.atPostedPrices(game), 1e-9);
        }
    }

    @Test
    void thePrimalActiveSetFallbackAgreesWithThePrimalDualSteps() {
        // the fallback runs only when primal-dual steps cycle, which random games rarely make them do: run it alone
        for (long seed = 1; seed <= 15; seed++) {
            RetailGame game = RandomGames.game(3 + (int) (seed % 8), 2 + (int) (seed % 17), 0.8, seed);
            CompiledGame g = new CompiledGame(game);
            double[] c = g.costs(game.postedPrices());
            double[] start = ActiveSetSolver.bestResponses(g, c);
            ActiveSetSolver.Result primal = ActiveSetSolver.primal(g, c, g.demand, start,
                    ActiveSetSolver.supportOf(start), null, null);
            ActiveSetSolver.Result dual = ActiveSetSolver.equilibrium(g, c, null);
            for (int e = 0; e < g.pairs; e++) {
                assertEquals(dual.point().f[e], primal.point().f[e], 1e-9, "seed " + seed + " pair " + e);
            }
            KktCheck.assertEquilibrium(game, EquilibriumSolver.describe(g, game.postedPrices(), primal.point().f, 0),
                    1e-9);
        }
    }

    @Test
    void aLargeMarketMeetsTheKktConditions() {
        RetailGame game = RandomGames.game(100, 200, 0.5, 7);
        UserEquilibrium eq = EquilibriumSolver.atPostedPrices(game);
        KktCheck.assertEquilibrium(game, eq, 1e-9);
        assertTrue(eq.solves() < 50, "solves " + eq.solves());
    }
}
