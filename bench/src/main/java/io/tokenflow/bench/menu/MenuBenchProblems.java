package io.tokenflow.bench.menu;

import io.tokenflow.market.menu.CapGrid;
import io.tokenflow.market.menu.MenuProblem;
import io.tokenflow.market.menu.MenuSolver;
import io.tokenflow.market.menu.UserType;
import io.tokenflow.market.menu.ValueCurve;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * The benchmarks' problems, seeded: {@code TYPESxCAPSxTIERS} (tiers 0: no limit). Values log-uniform in
 * [0.001, 0.05] $ per request, random shares, v(T) = 1 − exp(−T/s) with s a quarter of the grid, caps
 * 1..CAPS × step, and c = 0.078 $/M tokens (π of chat at Ashburn in five-node).
 */
final class MenuBenchProblems {
    private MenuBenchProblems() {}

    static MenuProblem of(String size) {
        String[] parts = size.split("x");
        int types = Integer.parseInt(parts[0]);
        int caps = Integer.parseInt(parts[1]);
        int tiers = Integer.parseInt(parts[2]);
        SplittableRandom rnd = new SplittableRandom(42L * types + caps);
        double[] raw = new double[types];
        double sum = 0;
        for (int i = 0; i < types; i++) {
            raw[i] = 0.1 + rnd.nextDouble();
            sum += raw[i];
        }
        List<UserType> list = new ArrayList<>();
        double given = 0;
        for (int i = 0; i < types; i++) {
            double share = i == types - 1 ? 1 - given : raw[i] / sum;
            given += share;
            list.add(new UserType("t" + i, share, 0.001 * Math.pow(50, rnd.nextDouble())));
        }
        // a grid of 32,000 tokens at most, finer as it has more points
        long step = Math.max(1, 32_000 / caps);
        return new MenuProblem(size, 0.078, new ValueCurve.Saturating(step * caps / 4.0), list,
                new CapGrid(step, step * caps, step), tiers == 0 ? OptionalInt.empty() : OptionalInt.of(tiers));
    }

    /** Fails a benchmark's setup unless the solver earns on {@code problem} what {@code baseline} found. */
    static void requireSolverProfit(String size, MenuProblem problem, String baseline, double profit) {
        double exact = MenuSolver.solve(problem).profitPerRequest();
        if (Math.abs(exact - profit) > 1e-12 + 1e-9 * Math.abs(profit)) {
            throw new IllegalStateException(size + ": the solver earns " + exact + ", " + baseline + " " + profit);
        }
    }
}
