package io.tokenflow.market.retail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The exact leader optimum of a retail game: the target's price in its range that maximises
 * (p − c) × Σ_i f_i,target(p) when the users answer every p with their equilibrium.
 *
 * <p>How: {@link ParametricTrace} gives the equilibrium on [lo, hi] as pieces on which the target's flow
 * is affine, T(p) = T0 + s (p − p0), so the profit (p − c) T(p) is a quadratic on each piece. Its maximum
 * on [a, b] is at a, at b, or, when s < 0, at the vertex p = (p0 + c)/2 − T0/(2s) if that lies inside;
 * the best of these over all pieces is the optimum over the whole range (no grid, no local search). A
 * fresh equilibrium solve at the answered price then has to agree with the trace's flow to 1e-9 of the
 * total demand for the answer to be marked {@code exact}.
 *
 * <p>Stateless; thread-safe.
 */
public final class RetailPricing {
    /** Points on the profit curve unless asked otherwise. */
    public static final int DEFAULT_CURVE_POINTS = 101;
    /** The most curve points one answer carries. */
    public static final int MAX_CURVE_POINTS = 10_001;
    private static final double AGREEMENT = 1e-9;

    private RetailPricing() {}

    /**
     * The answer to {@code game}: with a target, its optimal price, profit and curve and the equilibrium
     * there; without one, the equilibrium at the posted prices.
     *
     * @param market the cleared market's site prices, for providers that give node and class; empty when
     *               there is none (a target that names a site is then an error)
     */
    public static RetailAnswer answer(RetailGame game, Optional<SitePrices> market, int curvePoints) {
        checkCurvePoints(curvePoints);
        market.ifPresent(prices -> {
            for (int j = 0; j < game.providers().size(); j++) {
                if (game.providers().get(j).site().isPresent()) {
                    prices.of(game, j); // unknown nodes and classes are errors even off the target
                }
            }
        });
        if (game.target().isEmpty()) {
            return new RetailAnswer(game.name(), Optional.empty(), EquilibriumSolver.atPostedPrices(game));
        }
        int target = game.providerIndex(game.target().get());
        double cost = marginalCost(game, target, market);
        CompiledGame g = new CompiledGame(game);
        Leader leader = lead(g, game.postedPrices(), target, game.priceRange().orElseThrow(), cost, curvePoints);
        return new RetailAnswer(game.name(), Optional.of(leader.optimum()), leader.equilibrium());
    }

    /**
     * The cost of provider {@code j}: its {@code marginalCost}, its site price in {@code market}, or 0 when
     * it gives neither (a revenue maximiser, as in the paper).
     */
    public static double marginalCost(RetailGame game, int j, Optional<SitePrices> market) {
        RetailGame.Provider p = game.providers().get(j);
        if (p.marginalCost().isPresent()) {
            return p.marginalCost().getAsDouble();
        }
        if (p.site().isPresent()) {
            return market.orElseThrow(() -> new InvalidGameException("providers[" + j + "].node/class: provider '"
                    + p.id() + "' takes its cost from a cleared market, and none was given")).of(game, j);
        }
        return 0;
    }

    static void checkCurvePoints(int curvePoints) {
        if (curvePoints < 0 || curvePoints > MAX_CURVE_POINTS) {
            throw new InvalidGameException("curvePoints must be within [0, " + MAX_CURVE_POINTS + "], got "
                    + curvePoints);
        }
    }

    /** The optimum and the equilibrium at it, with the trace that proved it. */
    record Leader(RetailAnswer.Optimum optimum, UserEquilibrium equilibrium, ParametricTrace.Trace trace) {}

    static Leader lead(CompiledGame g, double[] prices, int target, RetailGame.PriceRange range, double cost,
            int curvePoints) {
        ParametricTrace.Trace trace = ParametricTrace.trace(g, prices, target, range.lo(), range.hi());
        double bestPrice = range.lo();
        double bestProfit = Double.NEGATIVE_INFINITY;
        for (ParametricTrace.Piece piece : trace.pieces()) {
            double[] candidates = {piece.lo(), piece.hi(), vertex(piece, cost)};
            for (double p : candidates) {
                if (p >= piece.lo() && p <= piece.hi()) {
                    double profit = (p - cost) * piece.flow(p);
                    if (profit > bestProfit) {
                        bestProfit = profit;
                        bestPrice = p;
                    }
                }
            }
        }
        double[] answered = prices.clone();
        answered[target] = bestPrice;
        ActiveSetSolver.Result fresh = ActiveSetSolver.equilibrium(g, g.costs(answered), null);
        UserEquilibrium eq = EquilibriumSolver.describe(g, answered, fresh.point().f, fresh.solves());
        double flow = eq.providerFlow(g.game.providers().get(target).id());
        double traced = trace.at(bestPrice).flow(bestPrice);
        boolean exact = Math.abs(flow - traced) <= AGREEMENT * g.game.totalDemand();
        List<RetailAnswer.CurvePoint> curve = new ArrayList<>(curvePoints);
        for (int k = 0; k < curvePoints; k++) {
            double p = curvePoints == 1 ? range.lo()
                    : k == curvePoints - 1 ? range.hi() : range.lo() + k * (range.hi() - range.lo()) / (curvePoints - 1);
            double f = Math.max(0, trace.at(p).flow(p));
            curve.add(new RetailAnswer.CurvePoint(p, f, (p - cost) * f + 0.0));
        }
        // + 0.0 turns the −0.0 of a negative margin times no flow into the 0 a reader expects
        RetailAnswer.Optimum optimum = new RetailAnswer.Optimum(g.game.providers().get(target).id(), bestPrice, flow,
                bestPrice * flow + 0.0, (bestPrice - cost) * flow + 0.0, cost, exact, trace.pieces().size(), curve);
        return new Leader(optimum, eq, trace);
    }

    /** The stationary point of (p − c)(T0 + s (p − p0)), or NaN when the piece's profit is not concave. */
    private static double vertex(ParametricTrace.Piece piece, double cost) {
        if (!(piece.slope() < 0)) {
            return Double.NaN;
        }
        return (piece.lo() + cost) / 2 - piece.flowAtLo() / (2 * piece.slope());
    }
}
