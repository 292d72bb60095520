package io.tokenflow.cli;

import io.tokenflow.market.retail.PriceCompetition;
import io.tokenflow.market.retail.RetailAnswer;
import io.tokenflow.market.retail.UserEquilibrium;
import java.util.Locale;
import java.util.OptionalLong;

/** {@code tokenflow retail --format table}: the retail answer for people. */
final class RetailTable {
    private RetailTable() {}

    static String answer(RetailAnswer answer, OptionalLong marketVersion) {
        StringBuilder out = new StringBuilder();
        out.append(answer.name()).append('\n');
        answer.optimum().ifPresentOrElse(o -> {
            RetailAnswer.CurvePoint first = o.curve().isEmpty() ? null : o.curve().get(0);
            RetailAnswer.CurvePoint last = o.curve().isEmpty() ? null : o.curve().get(o.curve().size() - 1);
            out.append(String.format(Locale.ROOT, "target %s%s: price %.6f $/M tokens (%s, %d pieces)%n", o.target(),
                    first == null ? "" : String.format(Locale.ROOT, " over [%s, %s]", num(first.price()), num(last.price())),
                    o.price(), o.exact() ? "exact" : "NOT proven exact", o.pieces()));
            out.append(String.format(Locale.ROOT, "flow %,.1f tokens/s | revenue %,.2f | profit %,.2f ($/M tokens x "
                    + "tokens/s) | marginal cost %s $/M tokens%n", o.flow(), o.revenue(), o.profit(),
                    num(o.marginalCost())));
        }, () -> out.append("no target: the users' equilibrium at the posted prices\n"));
        marketVersion.ifPresent(v -> out.append("site prices from market version ").append(v).append('\n'));
        equilibrium(out, answer.equilibrium());
        return out.toString();
    }

    static String competition(PriceCompetition.Outcome outcome) {
        StringBuilder out = new StringBuilder();
        out.append(outcome.name()).append('\n');
        out.append(String.format(Locale.ROOT, "every provider leading: %s after %d rounds (last move %.3g $/M tokens)%s%n",
                outcome.converged() ? "converged" : "did NOT converge", outcome.rounds(), outcome.lastChange(),
                outcome.cycleLength().isPresent() ? ", prices cycle every " + outcome.cycleLength().getAsInt() + " rounds"
                        : ""));
        out.append(String.format(Locale.ROOT, "%-20s %12s %16s %18s %10s%n", "provider", "price", "flow tok/s", "profit",
                "cost"));
        for (PriceCompetition.Standing s : outcome.standings()) {
            out.append(String.format(Locale.ROOT, "%-20s %12.6f %,16.1f %,18.2f %10s%n", s.provider(), s.price(), s.flow(),
                    s.profit(), num(s.marginalCost())));
        }
        equilibrium(out, outcome.equilibrium());
        return out.toString();
    }

    private static void equilibrium(StringBuilder out, UserEquilibrium eq) {
        out.append("\nEquilibrium flows, tokens/s\n");
        out.append(String.format(Locale.ROOT, "%-20s %-20s %16s%n", "user", "provider", "tokens/s"));
        for (UserEquilibrium.Flow f : eq.flows()) {
            out.append(String.format(Locale.ROOT, "%-20s %-20s %,16.1f%n", f.user(), f.provider(), f.tokensPerSecond()));
        }
        out.append("\nUser cost, $/M tokens (C_i / D_i; includes -b_j)\n");
        for (UserEquilibrium.UserCost c : eq.userCosts()) {
            out.append(String.format(Locale.ROOT, "%-20s %12.4f%n", c.user(), c.costPerMTokens()));
        }
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }
}
