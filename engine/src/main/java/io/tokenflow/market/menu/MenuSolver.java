package io.tokenflow.market.menu;

import java.util.ArrayList;
import java.util.List;

/**
 * The revenue-optimal token-cap menu of a problem, exact over its cap grid (Zhong, "Token Is All You
 * Price", arXiv 2510.09859: with one aligned model the token cap is the only screening instrument).
 *
 * <p>With single-crossing utility θ·v(T), a menu is incentive compatible exactly when caps rise with θ
 * and, at the optimum, each type's price is set by the type just below it (the binding downward
 * constraint; the lowest type served pays its whole value). Profit then separates into virtual surplus
 * per type, and {@link MenuProgram} finds the best monotone allocation (pooling types on one cap and
 * excluding low types where that pays, within the tier limit). The answer is checked by
 * {@link MenuCheck} before it is returned. Stateless and thread-safe; about tiers × types³ / 6 steps,
 * the grid's size entering only through a logarithm.
 */
public final class MenuSolver {
    private MenuSolver() {}

    /**
     * Solves {@code problem}.
     *
     * @throws IllegalStateException if the answer failed its own check (a bug, never the input's fault)
     */
    public static TierMenu solve(MenuProblem problem) {
        TypeLevels levels = TypeLevels.of(problem.types());
        CapOptions options = new CapOptions(problem.caps());
        double c = problem.costPerMTokens();
        double costPerToken = c / 1e6;
        ValueCurve curve = problem.value();
        MenuProgram.Solution solution = MenuProgram.solve(levels, options, curve, costPerToken,
                problem.maxTiers().orElse(Integer.MAX_VALUE));

        // prices from the binding downward constraints: each pool pays the pool below it plus what the
        // larger cap is worth to the pool's lowest type
        List<Long> caps = new ArrayList<>();
        List<Double> prices = new ArrayList<>();
        long lastCap = 0;
        double lastPrice = 0;
        for (MenuProgram.Pool pool : solution.pools()) {
            long cap = options.cap(pool.option());
            double price = lastPrice + levels.theta[pool.first()] * curve.increment(lastCap, cap);
            caps.add(cap);
            prices.add(price);
            lastCap = cap;
            lastPrice = price;
        }

        // what each type takes by the format's rule (the designed tier, but for ties in the seller's favour)
        int[] tierOf = new int[problem.types().size()];
        for (int k = 0; k < levels.size(); k++) {
            int g = Choosing.choose(curve, levels.theta[k], caps, prices, costPerToken);
            for (int i : levels.members[k]) {
                tierOf[i] = g;
            }
        }
        List<TierMenu.Choice> choices = new ArrayList<>();
        double profit = 0;
        for (int i = 0; i < tierOf.length; i++) {
            UserType type = problem.types().get(i);
            int g = tierOf[i];
            long cap = g < 0 ? 0 : caps.get(g);
            double price = g < 0 ? 0 : prices.get(g);
            choices.add(new TierMenu.Choice(type.id(), cap, price,
                    Choosing.utility(curve, type.valuePerRequest(), cap, price)));
            profit += type.share() * (price - c * cap / 1e6);
        }
        List<TierMenu.Tier> tiers = new ArrayList<>();
        for (int g = 0; g < caps.size(); g++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < tierOf.length; i++) {
                if (tierOf[i] == g) {
                    ids.add(problem.types().get(i).id());
                }
            }
            if (!ids.isEmpty()) {
                tiers.add(new TierMenu.Tier(caps.get(g), prices.get(g), c * caps.get(g) / 1e6, ids));
            }
        }
        TierMenu menu = new TierMenu(problem.name(), c, profit, tiers, choices, true);

        List<String> broken = MenuCheck.violations(problem, menu);
        // ties resolved for the seller can only add to the program's profit
        if (profit < solution.profit() - 1e-12 - 1e-9 * Math.abs(solution.profit())) {
            broken.add("the choices earn " + profit + ", the program promised " + solution.profit());
        }
        if (!broken.isEmpty()) {
            throw new IllegalStateException("menu '" + problem.name() + "' failed its check: "
                    + String.join("; ", broken));
        }
        return menu;
    }
}
