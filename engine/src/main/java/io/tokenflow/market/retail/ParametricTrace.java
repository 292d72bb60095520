package io.tokenflow.market.retail;

import java.util.ArrayList;
import java.util.List;

/**
 * The users' equilibrium as a function of the target's price p over [lo, hi], exactly: a list of pieces
 * on each of which the support is fixed and the flows are affine in p (parametric QP).
 *
 * <p>Why affine: p enters the potential only through the costs c(p) = c(lo) + (p − lo) w_p on the target's
 * pairs, and on a fixed support the KKT conditions are a linear system in (f, λ) with c on the right, so
 * f(p) = f(p0) + (p − p0) f' with f' the solution for the right-hand side ∂c/∂p and zero demand. The piece
 * lasts while its flows stay ≥ 0 and the reduced costs off its support stay ≥ 0; the first p at which one
 * reaches 0 is the next breakpoint. There the support changes: pairs that hit 0 leave, pairs whose reduced
 * cost hit 0 enter. When several are at 0 at once (a degenerate breakpoint), which of them carry flow just
 * after it is itself a small QP, the sensitivity QP: min ½ f'ᵀHf' + (∂c/∂p)ᵀf' with Σ_j f'_ij = 0, f' free
 * on the pairs with positive flow, ≥ 0 on those at 0, and 0 on the rest; its support is the next piece's.
 * Because the QP is strictly convex the equilibrium is unique, so every p has one solution and the
 * pieces cover [lo, hi] with no gaps; the set of p on which a support is optimal is an interval, so no
 * support recurs and the trace ends.
 *
 * <p>Stateless; thread-safe.
 */
final class ParametricTrace {
    private static final double TOLERANCE = ActiveSetSolver.TOLERANCE;
    /** No market has this many breakpoints (a guard against a tolerance bug looping). */
    private static final int MAX_PIECES = 1_000_000;

    private ParametricTrace() {}

    /**
     * One piece: on [lo, hi] the target's total flow is {@code flowAtLo + (p − lo) × slope}, tokens/s.
     *
     * @param supportSize the number of pairs with flow on the piece
     */
    record Piece(double lo, double hi, double flowAtLo, double slope, int supportSize) {
        double flow(double p) {
            return flowAtLo + (p - lo) * slope;
        }
    }

    /**
     * The pieces over [lo, hi] in order, and the solves they took.
     *
     * @param degenerate breakpoints at which the sensitivity QP decided the next support
     */
    record Trace(List<Piece> pieces, int solves, int degenerate) {
        /** The piece that holds p (the first of two at a breakpoint, where both give the same flow). */
        Piece at(double p) {
            int a = 0;
            int b = pieces.size() - 1;
            while (a < b) {
                int mid = (a + b) >>> 1;
                if (pieces.get(mid).hi() < p) {
                    a = mid + 1;
                } else {
                    b = mid;
                }
            }
            return pieces.get(a);
        }
    }

    static Trace trace(CompiledGame g, double[] prices, int target, double lo, double hi) {
        double[] atLo = prices.clone();
        atLo[target] = lo;
        double[] c0 = g.costs(atLo);
        double[] dc = g.priceDirection(target);
        ActiveSetSolver.Result start = ActiveSetSolver.equilibrium(g, c0, null);
        int solves = start.solves();
        int degenerate = 0;
        boolean[] support = start.support();
        double[] f = start.point().f.clone();
        double[] reduced = start.point().reduced.clone();
        double[] c = new double[g.pairs];
        double p = lo;
        double minStep = 1e-13 * (hi - lo);
        List<Piece> pieces = new ArrayList<>();
        SupportSystem.Point at = new SupportSystem.Point(g);
        SupportSystem.Point slope = new SupportSystem.Point(g);
        while (true) {
            for (int e = 0; e < g.pairs; e++) {
                c[e] = c0[e] + (p - lo) * dc[e];
            }
            double tolR = TOLERANCE * g.costScale(c);
            // classify at p: P positive flow, Z at zero (flow or reduced cost), N priced out
            boolean[] positive = new boolean[g.pairs];
            boolean[] zero = new boolean[g.pairs];
            boolean[] out = new boolean[g.pairs];
            boolean[] next = new boolean[g.pairs];
            for (int e = 0; e < g.pairs; e++) {
                double tolF = TOLERANCE * g.demand[g.pairUser[e]];
                if (support[e] && f[e] > tolF) {
                    positive[e] = true;
                    next[e] = true;
                } else if (support[e] || reduced[e] <= tolR) {
                    zero[e] = true;
                    next[e] = !support[e]; // guess: those that reached 0 leave, those priced in enter
                } else {
                    out[e] = true;
                }
            }
            SupportSystem system = new SupportSystem(g, next);
            system.solve(new double[][] {c, dc}, new double[][] {g.demand, null}, new SupportSystem.Point[] {at, slope});
            solves++;
            if (!consistent(g, next, zero, at, slope, tolR)) {
                degenerate++;
                ActiveSetSolver.Result qp = ActiveSetSolver.primal(g, dc, new double[g.n], new double[g.pairs],
                        positive, positive, out);
                solves += qp.solves();
                next = qp.support();
                system = new SupportSystem(g, next);
                system.solve(new double[][] {c, dc}, new double[][] {g.demand, null},
                        new SupportSystem.Point[] {at, slope});
                solves++;
            }
            double tolD = TOLERANCE * Math.max(1, ActiveSetSolver.maxAbs(slope.f));
            double tolDR = TOLERANCE * Math.max(g.priceWeight, ActiveSetSolver.maxAbs(slope.reduced));
            double end = hi;
            for (int e = 0; e < g.pairs; e++) {
                if (next[e] && slope.f[e] < -tolD) {
                    end = Math.min(end, p + Math.max(at.f[e], 0) / -slope.f[e]);
                } else if (!next[e] && slope.reduced[e] < -tolDR) {
                    end = Math.min(end, p + Math.max(at.reduced[e], 0) / -slope.reduced[e]);
                }
            }
            end = Math.min(hi, Math.max(end, p + minStep));
            double flow = 0;
            double flowSlope = 0;
            for (int e : g.providerPairs[target]) {
                flow += at.f[e];
                flowSlope += slope.f[e];
            }
            int size = 0;
            for (boolean s : next) {
                size += s ? 1 : 0;
            }
            pieces.add(new Piece(p, end, flow * g.scale, flowSlope * g.scale, size));
            if (end >= hi) {
                return new Trace(pieces, solves, degenerate);
            }
            if (pieces.size() >= MAX_PIECES) {
                throw new IllegalStateException("the price trace passed " + MAX_PIECES + " breakpoints");
            }
            double step = end - p;
            for (int e = 0; e < g.pairs; e++) {
                f[e] = next[e] ? at.f[e] + step * slope.f[e] : 0;
                reduced[e] = next[e] ? 0 : at.reduced[e] + step * slope.reduced[e];
            }
            support = next;
            p = end;
        }
    }

    /**
     * Whether the guessed support holds just after p: its flows ≥ 0 and the reduced costs off it ≥ 0 at p,
     * and, for the pairs that were at 0, flows that do not fall and reduced costs that do not fall below 0.
     */
    private static boolean consistent(CompiledGame g, boolean[] s, boolean[] zero, SupportSystem.Point at,
            SupportSystem.Point slope, double tolR) {
        double tolD = TOLERANCE * Math.max(1, ActiveSetSolver.maxAbs(slope.f));
        double tolDR = TOLERANCE * Math.max(g.priceWeight, ActiveSetSolver.maxAbs(slope.reduced));
        for (int e = 0; e < g.pairs; e++) {
            if (s[e]) {
                if (at.f[e] < -TOLERANCE * g.demand[g.pairUser[e]] || (zero[e] && slope.f[e] < -tolD)) {
                    return false;
                }
            } else if (at.reduced[e] < -tolR || (zero[e] && slope.reduced[e] < -tolDR)) {
                return false;
            }
        }
        return true;
    }
}
