package io.tokenflow.market.analysis;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Clears one network at a series of demand scales (the paper's Figure 3), re-clearing warm: each
 * scale changes only the demand rows of one live LP.
 */
public final class DemandSweep {

    /** One scale of the sweep. */
    public record Point(double scale, double demandTokensPerSecond, ClearingResult result) {}

    private DemandSweep() {}

    /**
     * @param scenarioAt the scenario at a given scale; every scale must have the same network
     */
    public static List<Point> run(DoubleFunction<Scenario> scenarioAt, List<Double> scales, SolverKind solver) {
        if (scales.isEmpty()) {
            return List.of();
        }
        List<Point> points = new ArrayList<>();
        try (MarketClearing market = MarketClearing.open(scenarioAt.apply(scales.get(0)), solver)) {
            for (double scale : scales) {
                Scenario target = scenarioAt.apply(scale);
                List<MarketUpdate> updates = new ArrayList<>();
                for (Demand d : target.demand()) {
                    updates.add(new MarketUpdate.DemandUpdate(d.origin(), d.classId(), d.tokensPerSecond()));
                }
                market.apply(updates);
                points.add(new Point(scale, target.totalDemandTokensPerSecond(), market.clear()));
            }
        }
        return points;
    }

    /** CSV, one row per scale: cost, demand, mean price per class, scarce pairs, congested links. */
    public static String csv(List<Point> points, MarketIndicators indicators) {
        StringBuilder csv = new StringBuilder("scale,status,demandTokensPerSecond,costPerHour");
        List<String> classes = points.isEmpty() ? List.of() : points.get(0).result().classIds();
        for (String cls : classes) {
            csv.append(",meanPrice_").append(cls);
        }
        csv.append(",scarcePairs,congestedLinks,saturatedLinks,unservedTokensPerSecond\n");
        for (Point p : points) {
            ClearingResult r = p.result();
            boolean optimal = r.status() == ClearingStatus.OPTIMAL;
            csv.append(number(p.scale())).append(',').append(r.status()).append(',')
                    .append(number(p.demandTokensPerSecond())).append(',')
                    .append(optimal ? String.format(Locale.ROOT, "%.2f", r.objectivePerHour().getAsDouble()) : "");
            for (String cls : classes) {
                csv.append(',').append(optimal ? String.format(Locale.ROOT, "%.6f", r.meanPrice(cls)) : "");
            }
            csv.append(',').append(optimal ? indicators.scarcePairs(r).size() : "")
                    .append(',').append(optimal ? MarketIndicators.congestedLinks(r).size() : "")
                    .append(',').append(MarketIndicators.saturatedLinks(r).size())
                    .append(',').append(number(r.totalUnservedTokensPerSecond()))
                    .append('\n');
        }
        return csv.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
