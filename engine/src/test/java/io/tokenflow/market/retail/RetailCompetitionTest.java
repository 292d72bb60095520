package io.tokenflow.market.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetailCompetitionTest {

    @Test
    void aSymmetricDuopolyConvergesToTheHandSolvedPriceEquilibrium() {
        // one user (D = 1), α = 1, w_q = 1, no delay, values 0, costs 0: f_a = (p_b − p_a + 2)/4 while both are
        // used, so a's best response to p_b is (p_b + 2)/2 and the only fixed point is p_a = p_b = 2, f = 1/2
        RetailGame game = new RetailGame("duopoly", new RetailGame.Weights(1, 1, 0),
                List.of(RetailGame.Provider.of("a", 5, 1, 0), RetailGame.Provider.of("b", 0.5, 1, 0)),
                List.of(new RetailGame.User("u", 1, Map.of("a", 0.0, "b", 0.0))), Optional.empty(),
                Optional.of(new RetailGame.PriceRange(0, 10)));
        PriceCompetition.Outcome o = PriceCompetition.play(game, Optional.empty(), 100, 1e-12);
        assertTrue(o.converged(), o.toString());
        assertTrue(o.exact());
        for (PriceCompetition.Standing s : o.standings()) {
            assertEquals(2, s.price(), 1e-9, s.provider());
            assertEquals(0.5, s.flow(), 1e-9, s.provider());
            assertEquals(1, s.profit(), 1e-9, s.provider());
        }
        // Gauss–Seidel halves the distance to 2 every move: a, from b's 0.5, goes to 1.25, then b to 1.625, ...
        assertEquals(1.25, o.history().get(1).get(0), 1e-12);
        assertEquals(1.625, o.history().get(1).get(1), 1e-12);
    }

    @Test
    void aCaptiveUserMakesPricesCycleAndTheOutcomeSaysSo() {
        // b alone serves u2: it alternates between the top of the range (milking u2) and undercutting a for u1
        RetailGame game = new RetailGame("edgeworth", new RetailGame.Weights(1, 0.8, 0.002),
                List.of(RetailGame.Provider.of("a", 3, 2e6, 5), RetailGame.Provider.of("b", 2.5, 1.2e6, 4.2)),
                List.of(new RetailGame.User("u1", 1.5e6, Map.of("a", 40.0, "b", 55.0)),
                        new RetailGame.User("u2", 6e5, Map.of("b", 20.0))),
                Optional.empty(), Optional.of(new RetailGame.PriceRange(0, 20)));
        PriceCompetition.Outcome o = PriceCompetition.play(game, Optional.empty(), 100, 1e-9);
        assertFalse(o.converged());
        assertTrue(o.cycleLength().isPresent());
        assertTrue(o.rounds() < 100, "the cycle is seen as soon as it closes: " + o.rounds());
    }

    @Test
    void roundsAndToleranceAreChecked() {
        RetailGame game = RandomGames.game(2, 2, 1, 1);
        InvalidGameException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidGameException.class,
                () -> PriceCompetition.play(game, Optional.empty(), 0, 1e-9));
        assertEquals("rounds must be within [1, 10000], got 0", e.getMessage());
    }
}
