package io.tokenflow.market.menu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a menu against its problem from the menu alone, as a user would: every type's choice is a best
 * option for it against every tier and against buying nothing (incentive compatibility and individual
 * rationality), ties within {@link #TIE} $ go to the largest margin, no tier is priced below its cost
 * floor c·cap/10⁶, the tiers are grid caps within the tier limit, and the profit adds up. The solver runs
 * it on every answer; tests run it on every menu they see.
 */
public final class MenuCheck {

    /** A type indifferent within this many $ between options takes the one with the largest margin. */
    public static final double TIE = 1e-12;

    private MenuCheck() {}

    /** Every rule {@code menu} breaks, each in one line; empty when it is sound. */
    public static List<String> violations(MenuProblem problem, TierMenu menu) {
        List<String> out = new ArrayList<>();
        double c = problem.costPerMTokens();
        if (Double.compare(menu.costPerMTokens(), c) != 0) {
            out.add("priced at costPerMTokens " + menu.costPerMTokens() + ", the problem says " + c);
        }
        CapGrid grid = problem.caps();
        Map<Long, TierMenu.Tier> byCap = new HashMap<>();
        long previous = 0;
        for (TierMenu.Tier t : menu.tiers()) {
            long cap = t.capTokens();
            if (cap <= previous) {
                out.add("tier " + cap + ": caps must rise and be > 0, after " + previous);
            }
            previous = Math.max(previous, cap);
            if (cap < grid.min() || cap > grid.max() || (cap - grid.min()) % grid.step() != 0) {
                out.add("tier " + cap + ": not a cap of the grid " + grid);
            }
            double floor = c * cap / 1e6;
            if (Math.abs(t.costFloorPerRequest() - floor) > 1e-15 * Math.max(1, floor)) {
                out.add("tier " + cap + ": cost floor " + t.costFloorPerRequest() + ", c·cap/10^6 is " + floor);
            }
            if (t.pricePerRequest() < floor - TIE) {
                out.add("tier " + cap + ": priced " + t.pricePerRequest() + " below its cost floor " + floor);
            }
            if (t.types().isEmpty()) {
                out.add("tier " + cap + ": no type chooses it");
            }
            byCap.put(cap, t);
        }
        problem.maxTiers().ifPresent(k -> {
            if (menu.tiers().size() > k) {
                out.add(menu.tiers().size() + " tiers, over maxTiers " + k);
            }
        });
        if (menu.choices().size() != problem.types().size()) {
            out.add(menu.choices().size() + " choices for " + problem.types().size() + " types");
            return out;
        }
        double profit = 0;
        for (int i = 0; i < problem.types().size(); i++) {
            UserType type = problem.types().get(i);
            TierMenu.Choice choice = menu.choices().get(i);
            String who = "type '" + type.id() + "'";
            if (!choice.type().equals(type.id())) {
                out.add("choices[" + i + "] is for '" + choice.type() + "', expected " + who);
                continue;
            }
            TierMenu.Tier tier = byCap.get(choice.capTokens());
            if (choice.capTokens() == 0 ? choice.pricePerRequest() != 0
                    : tier == null || tier.pricePerRequest() != choice.pricePerRequest()) {
                out.add(who + " chooses cap " + choice.capTokens() + " at " + choice.pricePerRequest()
                        + ", which is neither a tier nor nothing");
                continue;
            }
            if (tier != null && !tier.types().contains(type.id())) {
                out.add(who + " chooses tier " + tier.capTokens() + ", whose types do not list it");
            }
            double theta = type.valuePerRequest();
            double own = Choosing.utility(problem.value(), theta, choice.capTokens(), choice.pricePerRequest());
            if (Math.abs(own - choice.surplus()) > TIE) {
                out.add(who + ": surplus " + choice.surplus() + ", θ·v(cap) − price is " + own);
            }
            if (own < -TIE) {
                out.add(who + ": surplus " + own + " < 0, it would rather buy nothing (IR)");
            }
            double margin = choice.pricePerRequest() - c * choice.capTokens() / 1e6;
            for (TierMenu.Tier other : menu.tiers()) {
                double u = Choosing.utility(problem.value(), theta, other.capTokens(), other.pricePerRequest());
                if (u > own + TIE) {
                    out.add(who + " prefers tier " + other.capTokens() + " (utility " + u + ") to its choice ("
                            + own + ") (IC)");
                } else if (u >= own - TIE && other.marginPerRequest() > margin + TIE) {
                    out.add(who + " is indifferent to tier " + other.capTokens() + ", which has the larger margin "
                            + other.marginPerRequest() + " (tie rule)");
                }
            }
            if (choice.capTokens() != 0 && own <= TIE && margin < -TIE) {
                out.add(who + " is indifferent to nothing, which has the larger margin 0 (tie rule)");
            }
            profit += type.share() * margin;
        }
        if (Math.abs(profit - menu.profitPerRequest()) > 1e-12 + 1e-9 * Math.abs(profit)) {
            out.add("profitPerRequest " + menu.profitPerRequest() + ", the choices add up to " + profit);
        }
        return out;
    }
}
