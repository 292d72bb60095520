package io.tokenflow.market.retail;

/**
 * The slow ways to the leader optimum, kept to check and to time {@link RetailPricing} against: a dense grid
 * of equilibrium solves (each warm-started from the last one's support), which can only approach the
 * optimum from below, and the enumeration of every support (PriLLM's brute force, exponential in the number
 * of user × provider pairs), which finds it exactly without the trace.
 *
 * <p>Stateless; thread-safe.
 */
public final class RetailBaselines {
    /** Enumeration visits 2^pairs supports: beyond this it would run for hours. */
    public static final int MAX_ENUMERATED_PAIRS = 24;

    private RetailBaselines() {}

    /** The best price found and its profit, with the equilibrium solves (or supports) it took. */
    public record Best(double price, double profit, long work) {}

    /** The best of {@code points} evenly spaced prices over the game's range, each a full equilibrium solve. */
    public static Best denseGrid(RetailGame game, double marginalCost, int points) {
        if (points < 2) {
            throw new InvalidGameException("points must be >= 2, got " + points);
        }
        CompiledGame g = new CompiledGame(game);
        int target = game.providerIndex(game.target().orElseThrow(() -> new InvalidGameException("target is required")));
        RetailGame.PriceRange range = game.priceRange().orElseThrow();
        double[] prices = game.postedPrices();
        boolean[] warm = null;
        double bestPrice = range.lo();
        double bestProfit = Double.NEGATIVE_INFINITY;
        long solves = 0;
        for (int k = 0; k < points; k++) {
            double p = range.lo() + k * (range.hi() - range.lo()) / (points - 1);
            prices[target] = p;
            ActiveSetSolver.Result r = ActiveSetSolver.equilibrium(g, g.costs(prices), warm);
            warm = r.support();
            solves += r.solves();
            double flow = 0;
            for (int e : g.providerPairs[target]) {
                flow += r.point().f[e];
            }
            double profit = (p - marginalCost) * flow * g.scale;
            if (profit > bestProfit) {
                bestProfit = profit;
                bestPrice = p;
            }
        }
        return new Best(bestPrice, bestProfit, solves);
    }

    /**
     * The exact optimum by enumerating supports: for each support that gives every user a pair, the KKT
     * solution is affine in the target's price; the prices at which it is the equilibrium (flows ≥ 0 on it,
     * reduced costs ≥ 0 off it) form an interval, on which the profit is maximised in closed form.
     *
     * @throws InvalidGameException if the game has more than {@link #MAX_ENUMERATED_PAIRS} pairs
     */
    public static Best enumerate(RetailGame game, double marginalCost) {
        CompiledGame g = new CompiledGame(game);
        if (g.pairs > MAX_ENUMERATED_PAIRS) {
            throw new InvalidGameException("enumeration takes at most " + MAX_ENUMERATED_PAIRS + " user x provider pairs, "
                    + "the game has " + g.pairs);
        }
        int target = game.providerIndex(game.target().orElseThrow(() -> new InvalidGameException("target is required")));
        RetailGame.PriceRange range = game.priceRange().orElseThrow();
        double[] prices = game.postedPrices();
        prices[target] = range.lo();
        double[] c0 = g.costs(prices);
        double[] dc = g.priceDirection(target);
        double tolR = ActiveSetSolver.TOLERANCE * g.costScale(g.costs(withPrice(prices, target, range.hi())));
        double bestPrice = range.lo();
        double bestProfit = Double.NEGATIVE_INFINITY;
        SupportSystem.Point at = new SupportSystem.Point(g);
        SupportSystem.Point slope = new SupportSystem.Point(g);
        long visited = 0;
        for (long mask = 1; mask < (1L << g.pairs); mask++) {
            boolean[] s = new boolean[g.pairs];
            for (int e = 0; e < g.pairs; e++) {
                s[e] = (mask >>> e & 1) == 1;
            }
            if (!coversEveryUser(g, s)) {
                continue;
            }
            visited++;
            new SupportSystem(g, s).solve(new double[][] {c0, dc}, new double[][] {g.demand, null},
                    new SupportSystem.Point[] {at, slope});
            double a = range.lo();
            double b = range.hi();
            for (int e = 0; e < g.pairs && a <= b; e++) {
                // value(p) = v0 + (p − lo) v' must stay ≥ −tol on [a, b]
                double v0 = s[e] ? at.f[e] : at.reduced[e];
                double v1 = s[e] ? slope.f[e] : slope.reduced[e];
                double tol = s[e] ? ActiveSetSolver.TOLERANCE * g.demand[g.pairUser[e]] : tolR;
                if (v1 > 0) {
                    a = Math.max(a, range.lo() + (-tol - v0) / v1);
                } else if (v1 < 0) {
                    b = Math.min(b, range.lo() + (-tol - v0) / v1);
                } else if (v0 < -tol) {
                    b = a - 1;
                }
            }
            if (a > b) {
                continue;
            }
            double flow0 = 0;
            double flow1 = 0;
            for (int e : g.providerPairs[target]) {
                flow0 += at.f[e];
                flow1 += slope.f[e];
            }
            double[] candidates = {a, b, flow1 < 0 ? (range.lo() + marginalCost) / 2 - flow0 / (2 * flow1) : a};
            for (double p : candidates) {
                if (p >= a && p <= b) {
                    double profit = (p - marginalCost) * (flow0 + (p - range.lo()) * flow1) * g.scale;
                    if (profit > bestProfit) {
                        bestProfit = profit;
                        bestPrice = p;
                    }
                }
            }
        }
        return new Best(bestPrice, bestProfit, visited);
    }

    private static double[] withPrice(double[] prices, int target, double p) {
        double[] copy = prices.clone();
        copy[target] = p;
        return copy;
    }

    private static boolean coversEveryUser(CompiledGame g, boolean[] s) {
        for (int i = 0; i < g.n; i++) {
            boolean any = false;
            for (int e = g.userStart[i]; e < g.userStart[i + 1] && !any; e++) {
                any = s[e];
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }
}
