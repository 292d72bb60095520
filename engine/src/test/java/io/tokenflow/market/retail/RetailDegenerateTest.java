package io.tokenflow.market.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Games built to hit degenerate breakpoints: identical users and identical rivals (many pairs reach 0 at the
 * same price), captive users, demands six orders of magnitude apart. The trace must still agree with fresh
 * solves everywhere and the optimum must still be exact and at least the grid's.
 */
class RetailDegenerateTest {

    private static RetailGame symmetric(int rivals, int users, double smallDemand) {
        List<RetailGame.Provider> providers = new ArrayList<>();
        providers.add(new RetailGame.Provider("t", 2, 1e6, 6, OptionalDouble.of(0.5), Optional.empty()));
        for (int j = 0; j < rivals; j++) {
            providers.add(RetailGame.Provider.of("r" + j, 3, 1e6, 6)); // identical rivals
        }
        List<RetailGame.User> us = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            Map<String, Double> d = new LinkedHashMap<>();
            d.put("t", 100.0);
            for (int j = 0; j < rivals; j++) {
                d.put("r" + j, 100.0); // identical users
            }
            us.add(new RetailGame.User("u" + i, i == 0 ? smallDemand : 1e6, d));
        }
        us.add(new RetailGame.User("captive", 5e5, Map.of("t", 50.0)));
        return new RetailGame("symmetric", new RetailGame.Weights(1, 1, 0.001), providers, us, Optional.of("t"),
                Optional.of(new RetailGame.PriceRange(0, 20)));
    }

    private static void assertTraceIsTheEquilibrium(RetailGame game) {
        CompiledGame g = new CompiledGame(game);
        int target = game.providerIndex(game.target().orElseThrow());
        ParametricTrace.Trace trace = ParametricTrace.trace(g, game.postedPrices(), target, 0, 20);
        SplittableRandom random = new SplittableRandom(3);
        for (int k = 0; k <= 200; k++) {
            double p = k < 100 ? 20 * random.nextDouble() : trace.pieces().get((k - 100) % trace.pieces().size()).lo();
            double[] prices = game.postedPrices();
            prices[target] = p;
            UserEquilibrium fresh = EquilibriumSolver.at(game, prices);
            KktCheck.assertEquilibrium(game, fresh, 1e-9);
            assertEquals(fresh.providerFlow(game.target().get()), trace.at(p).flow(p), 1e-9 * game.totalDemand(),
                    game.name() + " at " + p);
        }
        RetailAnswer.Optimum o = RetailPricing.answer(game, Optional.empty(), 0).optimum().orElseThrow();
        assertTrue(o.exact());
        RetailBaselines.Best grid = RetailBaselines.denseGrid(game, o.marginalCost(), 1000);
        assertTrue(o.profit() >= grid.profit() - 1e-9 * 20 * game.totalDemand());
    }

    @Test
    void identicalUsersAndRivals() {
        assertTraceIsTheEquilibrium(symmetric(3, 5, 1e6));
    }

    @Test
    void demandsSixOrdersOfMagnitudeApart() {
        assertTraceIsTheEquilibrium(symmetric(2, 4, 1));
    }

    @Test
    void aPairIndifferentAtZeroFlowIsSettledByTheSensitivityQp() {
        // one user (D = 1), α = 1, w_q = 1: at p_t = 4 the target's marginal cost at zero flow, 4, equals the
        // rival's at full load, 2 + 2 D, so the target's pair starts at zero flow and zero reduced cost; the
        // guess "it enters" fails (its flow would fall below 0) and the sensitivity QP keeps it out
        RetailGame game = new RetailGame("indifferent", new RetailGame.Weights(1, 1, 0),
                List.of(RetailGame.Provider.of("t", 5, 1, 0), RetailGame.Provider.of("r", 2, 1, 0)),
                List.of(new RetailGame.User("u", 1, Map.of("t", 0.0, "r", 0.0))), Optional.of("t"),
                Optional.of(new RetailGame.PriceRange(4, 10)));
        ParametricTrace.Trace trace = ParametricTrace.trace(new CompiledGame(game), game.postedPrices(), 0, 4, 10);
        assertEquals(1, trace.degenerate());
        assertEquals(1, trace.pieces().size());
        assertEquals(0, trace.pieces().get(0).flowAtLo());
        assertEquals(0, trace.pieces().get(0).slope());
        // from just below 4 the target has flow: on [0, 10] the trace has it leave at exactly 4
        ParametricTrace.Trace wide = ParametricTrace.trace(new CompiledGame(game), game.postedPrices(), 0, 0, 10);
        assertEquals(4, wide.pieces().get(0).hi(), 1e-12);
        assertEquals(1, wide.pieces().get(0).flowAtLo(), 1e-12); // at p = 0: f_t = (4 − 0)/4
    }

    @Test
    void aTargetNobodyCanReach() {
        RetailGame base = symmetric(2, 3, 1e6);
        List<RetailGame.User> users = base.users().stream()
                .map(u -> { Map<String, Double> d = new LinkedHashMap<>(u.delayMs()); d.remove("t");
                    return new RetailGame.User(u.id(), u.demand(), d.isEmpty() ? Map.of("r0", 1.0) : d); }).toList();
        RetailGame game = new RetailGame("unreachable", base.weights(), base.providers(), users, base.target(),
                base.priceRange());
        RetailAnswer.Optimum o = RetailPricing.answer(game, Optional.empty(), 3).optimum().orElseThrow();
        assertEquals(0, o.flow());
        assertEquals(0, o.profit());
        assertEquals(1, o.pieces());
        assertTrue(o.exact());
    }
}
