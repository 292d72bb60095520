package io.tokenflow.report.figures;

import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the figures take from a clearing and how they say what they left out: the items that rank
 * highest, the caption's "shown of" note, per-node totals and which node × class pairs are saturated.
 */
final class FigureData {

    /** Bars and heat-map columns per figure: past this many nodes or origins labels stop being legible. */
    static final int MAX_NODES_SHOWN = 30;

    private FigureData() {}

    /**
     * The {@code max} items that rank highest, in their original order (so that nodes keep the
     * scenario's order); all of them when there are no more than {@code max}. Ties keep the earlier item.
     */
    static <T> List<T> keepTop(List<T> items, int max, Comparator<T> rank) {
        if (items.size() <= max) {
            return items;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> items.get(i), rank.reversed()).thenComparingInt(i -> i));
        List<Integer> kept = new ArrayList<>(order.subList(0, max));
        kept.sort(null);
        return kept.stream().map(items::get).toList();
    }

    /** ", the 30 nodes that process most of 200 shown", or nothing when all are shown. */
    static String shownOf(int shown, int all, String which) {
        return shown < all ? String.format(Locale.ROOT, "; the %d %s of %d shown", shown, which, all) : "";
    }

    /** Tokens per second each node processes, all classes together. */
    static Map<String, Double> processedByNode(ClearingResult result) {
        Map<String, Double> totals = new HashMap<>();
        result.processing().forEach(p -> totals.merge(p.node(), p.tokensPerSecond(), Double::sum));
        return totals;
    }

    /** Full, or earning a scarcity rent. */
    static boolean isSaturated(ProcessingLevel level) {
        return level.scarcityRent() > 0
                || level.tokensPerSecond() >= MarketIndicators.SATURATION * level.capacityTokensPerSecond();
    }
}
