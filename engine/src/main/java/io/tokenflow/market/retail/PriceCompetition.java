package io.tokenflow.market.retail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every provider leading at once (beyond the paper, which leaves multiple leaders to future work):
 * iterated best responses, each provider in turn moving to its exact profit-maximising price
 * ({@link RetailPricing}) given the others' current prices, until no price moves by more than the
 * tolerance (a price equilibrium: no provider gains by moving alone, to the precision of the trace) or the
 * rounds run out. Best responses need not converge (prices can cycle), so the outcome says whether they
 * did, after how many rounds, and, when the prices came back to an earlier round's, the cycle's length.
 *
 * <p>Stateless; thread-safe. Cost: rounds × providers leader optima.
 */
public final class PriceCompetition {
    public static final int DEFAULT_ROUNDS = 100;
    /** Converged when no price moves by more than this share of the price range in a round. */
    public static final double DEFAULT_TOLERANCE = 1e-9;

    private PriceCompetition() {}

    /** Where one provider ended. */
    public record Standing(String provider, double price, double flow, double profit, double marginalCost) {}

    /**
     * How the best responses ended.
     *
     * @param rounds      rounds played (each: every provider's best response once)
     * @param lastChange  the largest price move of the last round, $/M tokens
     * @param cycleLength when the prices returned to those of an earlier round: how many rounds ago
     * @param exact       every best response was an exact optimum
     * @param history     the prices after each round (the first entry: the posted prices)
     */
    public record Outcome(String name, boolean converged, int rounds, double lastChange, OptionalInt cycleLength,
            boolean exact, List<Standing> standings, List<List<Double>> history, UserEquilibrium equilibrium) {

        public Outcome {
            standings = List.copyOf(standings);
            history = List.copyOf(history);
        }
    }

    /**
     * Plays best responses from the posted prices over the game's {@code priceRange} (every provider's).
     *
     * @param market site prices for providers that name a node and class; a provider with neither cost counts 0
     */
    public static Outcome play(RetailGame game, Optional<SitePrices> market, int maxRounds, double tolerance) {
        if (maxRounds < 1 || maxRounds > 10_000) {
            throw new InvalidGameException("rounds must be within [1, 10000], got " + maxRounds);
        }
        if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
            throw new InvalidGameException("tolerance must be finite and > 0, got " + tolerance);
        }
        RetailGame.PriceRange range = game.priceRange().orElseThrow(
                () -> new InvalidGameException("priceRange is required for every provider to lead"));
        int m = game.providers().size();
        double[] cost = new double[m];
        for (int j = 0; j < m; j++) {
            cost[j] = RetailPricing.marginalCost(game, j, market);
        }
        CompiledGame g = new CompiledGame(game);
        double[] prices = game.postedPrices();
        for (int j = 0; j < m; j++) {
            prices[j] = Math.min(range.hi(), Math.max(range.lo(), prices[j]));
        }
        List<List<Double>> history = new ArrayList<>();
        history.add(boxed(prices));
        boolean exact = true;
        boolean converged = false;
        double change = Double.NaN;
        int rounds = 0;
        OptionalInt cycle = OptionalInt.empty();
        double threshold = tolerance * (range.hi() - range.lo());
        while (rounds < maxRounds && !converged && cycle.isEmpty()) {
            change = 0;
            for (int j = 0; j < m; j++) {
                RetailPricing.Leader best = RetailPricing.lead(g, prices, j, range, cost[j], 0);
                exact &= best.optimum().exact();
                change = Math.max(change, Math.abs(best.optimum().price() - prices[j]));
                prices[j] = best.optimum().price();
            }
            rounds++;
            converged = change <= threshold;
            if (!converged) {
                cycle = returnTo(history, prices, threshold);
            }
            history.add(boxed(prices));
        }
        UserEquilibrium eq = EquilibriumSolver.describe(g, prices,
                ActiveSetSolver.equilibrium(g, g.costs(prices), null).point().f, 0);
        List<Standing> standings = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            String id = game.providers().get(j).id();
            double flow = eq.providerFlow(id);
            standings.add(new Standing(id, prices[j], flow, (prices[j] - cost[j]) * flow, cost[j]));
        }
        return new Outcome(game.name(), converged, rounds, change, cycle, exact, standings, history, eq);
    }

    /** How many rounds back the prices were the same (within {@code threshold}), if they ever were. */
    private static OptionalInt returnTo(List<List<Double>> history, double[] prices, double threshold) {
        for (int back = 1; back < history.size(); back++) {
            List<Double> earlier = history.get(history.size() - back);
            boolean same = true;
            for (int j = 0; j < prices.length && same; j++) {
                same = Math.abs(earlier.get(j) - prices[j]) <= threshold;
            }
            if (same) {
                return OptionalInt.of(back);
            }
        }
        return OptionalInt.empty();
    }

    private static List<Double> boxed(double[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (double x : v) {
            out.add(x);
        }
        return out;
    }
}
