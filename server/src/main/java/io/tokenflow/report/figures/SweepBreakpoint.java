package io.tokenflow.report.figures;

import io.tokenflow.market.analysis.DemandSweep;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The first scale of a demand sweep where the market stops clearing normally: must-serve demand
 * cannot be met (not OPTIMAL) or some demand is left unserved at the penalty price.
 *
 * @param scale      the demand scale
 * @param infeasible true if the clearing was not OPTIMAL there, false if it left demand unserved
 */
public record SweepBreakpoint(double scale, boolean infeasible) {

    public static Optional<SweepBreakpoint> first(List<DemandSweep.Point> points) {
        for (DemandSweep.Point point : points) {
            if (!point.result().optimal()) {
                return Optional.of(new SweepBreakpoint(point.scale(), true));
            }
            if (point.result().totalUnservedTokensPerSecond() > 0) {
                return Optional.of(new SweepBreakpoint(point.scale(), false));
            }
        }
        return Optional.empty();
    }

    /** {@code infeasible at 40x} or {@code penalty from 38x}. */
    public String label() {
        String x = String.format(Locale.ROOT, "%sx", scale == Math.rint(scale) ? String.valueOf((long) scale)
                : String.format(Locale.ROOT, "%.3g", scale));
        return infeasible ? "infeasible at " + x : "penalty from " + x;
    }
}
