package io.tokenflow.market.menu;

import java.util.List;

/** How a type chooses from a menu, by the format's rule: the best utility, ties to the largest margin. */
final class Choosing {
    private Choosing() {}

    static double utility(ValueCurve curve, double theta, long cap, double price) {
        return theta * curve.value(cap) - price;
    }

    /**
     * The index of the tier {@code theta} takes among {@code caps}/{@code prices}, or -1 for nothing: the
     * highest utility; among options within {@link MenuCheck#TIE} $ of it the largest margin
     * price − c·cap (nothing has margin 0); among those within the tie too, the largest cap.
     */
    static int choose(ValueCurve curve, double theta, List<Long> caps, List<Double> prices, double costPerToken) {
        double top = 0; // nothing
        for (int g = 0; g < caps.size(); g++) {
            top = Math.max(top, utility(curve, theta, caps.get(g), prices.get(g)));
        }
        // nothing (margin 0, cap 0) is among the ties only when no tier is worth more than the tie
        boolean nothingTies = top <= MenuCheck.TIE;
        double bestMargin = nothingTies ? 0 : Double.NEGATIVE_INFINITY;
        for (int g = 0; g < caps.size(); g++) {
            if (utility(curve, theta, caps.get(g), prices.get(g)) >= top - MenuCheck.TIE) {
                bestMargin = Math.max(bestMargin, prices.get(g) - costPerToken * caps.get(g));
            }
        }
        int chosen = -1;
        for (int g = 0; g < caps.size(); g++) {
            boolean ties = utility(curve, theta, caps.get(g), prices.get(g)) >= top - MenuCheck.TIE;
            double margin = prices.get(g) - costPerToken * caps.get(g);
            if (ties && margin >= bestMargin - MenuCheck.TIE && (chosen < 0 || caps.get(g) > caps.get(chosen))) {
                chosen = g;
            }
        }
        return chosen;
    }
}
