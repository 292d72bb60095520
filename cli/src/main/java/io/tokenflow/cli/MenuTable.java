package io.tokenflow.cli;

import io.tokenflow.market.menu.MenuProblem;
import io.tokenflow.market.menu.OriginMenu;
import io.tokenflow.market.menu.TierMenu;
import io.tokenflow.market.menu.UserType;
import java.util.List;
import java.util.Locale;

/** A tier menu as text for a person: its tiers with their cost floors and margins, each type's choice. */
final class MenuTable {
    private MenuTable() {}

    /** One menu; {@code costSource} says where the cost came from (null: the file). */
    static String render(MenuProblem problem, TierMenu menu, String costSource) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "menu '%s': cost %s $/M tokens (%s)%n", menu.name(),
                num(menu.costPerMTokens()), costSource == null ? "from the file" : costSource));
        out.append(String.format(Locale.ROOT, "profit %s $/request%s, %d tier(s)%s%n%n",
                num(menu.profitPerRequest()), menu.exact() ? " (optimal over the cap grid)" : "",
                menu.tiers().size(), problem.maxTiers().isPresent() ? " of at most " + problem.maxTiers().getAsInt() : ""));
        String tierRow = "%-4s %12s %16s %16s %16s  %s%n";
        out.append(String.format(Locale.ROOT, tierRow, "tier", "cap tokens", "price $/req", "floor $/req",
                "margin $/req", "types"));
        for (int g = 0; g < menu.tiers().size(); g++) {
            TierMenu.Tier t = menu.tiers().get(g);
            out.append(String.format(Locale.ROOT, tierRow, g + 1, String.format(Locale.ROOT, "%,d", t.capTokens()),
                    num(t.pricePerRequest()), num(t.costFloorPerRequest()), num(t.marginPerRequest()),
                    String.join(", ", t.types())));
        }
        if (menu.tiers().isEmpty()) {
            out.append("(no tier: no type is worth serving at this cost)\n");
        }
        int idWidth = Math.max(4, problem.types().stream().mapToInt(t -> t.id().length()).max().orElse(4));
        String choiceRow = "%n%-" + idWidth + "s %8s %14s %12s %16s %16s";
        out.append(String.format(Locale.ROOT, choiceRow, "type", "share", "value $/req", "cap tokens", "price $/req",
                "surplus $/req"));
        for (int i = 0; i < problem.types().size(); i++) {
            UserType t = problem.types().get(i);
            TierMenu.Choice c = menu.choices().get(i);
            out.append(String.format(Locale.ROOT, choiceRow, t.id(), num(t.share()), num(t.valuePerRequest()),
                    c.capTokens() == 0 ? "nothing" : String.format(Locale.ROOT, "%,d", c.capTokens()),
                    num(c.pricePerRequest()), num(c.surplus())));
        }
        return out.append('\n').toString();
    }

    /** The menus of one population at every origin, one line per origin and tier, cheapest π first. */
    static String renderAll(String name, String classId, List<OriginMenu> menus, String source) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "menu '%s' for class %s at every origin: cost π(origin, %s) of %s%n%n",
                name, classId, classId, source));
        int width = Math.max(6, menus.stream().mapToInt(m -> m.origin().length()).max().orElse(6));
        String row = "%-" + width + "s %12s %14s %4s %12s %14s %14s  %s%n";
        out.append(String.format(Locale.ROOT, row, "origin", "π $/M tok", "profit $/req", "tier", "cap tokens",
                "price $/req", "floor $/req", "types"));
        for (OriginMenu m : menus) {
            TierMenu menu = m.menu();
            if (menu.tiers().isEmpty()) {
                out.append(String.format(Locale.ROOT, row, m.origin(), num(menu.costPerMTokens()),
                        num(menu.profitPerRequest()), "-", "-", "-", "-", "(nothing sold)"));
            }
            for (int g = 0; g < menu.tiers().size(); g++) {
                TierMenu.Tier t = menu.tiers().get(g);
                out.append(String.format(Locale.ROOT, row, g == 0 ? m.origin() : "", g == 0 ? num(menu.costPerMTokens()) : "",
                        g == 0 ? num(menu.profitPerRequest()) : "", g + 1, String.format(Locale.ROOT, "%,d", t.capTokens()),
                        num(t.pricePerRequest()), num(t.costFloorPerRequest()), String.join(", ", t.types())));
            }
        }
        return out.toString();
    }

    /** Prices per request are fractions of a cent: six significant digits, never in scientific notation. */
    static String num(double value) {
        if (value == 0) {
            return "0";
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
