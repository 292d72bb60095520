package io.tokenflow.report;

import io.tokenflow.market.analysis.DemandSweep;
import io.tokenflow.market.analysis.InvestmentSignal;
import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything one report shows: a cleared market, its demand sweep, its investment signals and, when
 * read from a running oracle, its price history.
 *
 * @param title         what the report is about, e.g. the scenario's name
 * @param source        where the market came from: an embedded scenario, a file, or an oracle and version
 * @param command       the command that made the report, shown so a reader can make it again
 * @param generatedAt   when the report was made
 * @param scenario      the inputs of the clearing
 * @param result        the clearing
 * @param sweep         the demand sweep around it
 * @param indicators    what counts as a scarce pair
 * @param signals       investment signals, most valuable first (empty when the clearing has no rents)
 * @param topSignals    how many signals the figure and table show
 * @param horizonHours  the hours the signals count rents over (stated even when there are none)
 * @param history       price history per class (empty unless read from an oracle)
 */
public record MarketReport(
        String title,
        String source,
        String command,
        Instant generatedAt,
        Scenario scenario,
        ClearingResult result,
        Sweep sweep,
        MarketIndicators indicators,
        List<InvestmentSignal> signals,
        int topSignals,
        double horizonHours,
        List<PriceHistorySeries> history) {

    /**
     * A demand sweep and what its scale means.
     *
     * @param scaleMeaning what the scale multiplies, e.g. "× the oracle's current demand"
     */
    public record Sweep(String scaleMeaning, List<DemandSweep.Point> points) {
        public Sweep {
            Objects.requireNonNull(scaleMeaning, "scaleMeaning");
            points = List.copyOf(points);
        }
    }

    public MarketReport {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(generatedAt, "generatedAt");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(sweep, "sweep");
        Objects.requireNonNull(indicators, "indicators");
        signals = List.copyOf(signals);
        history = List.copyOf(history);
        if (topSignals < 1) {
            throw new IllegalArgumentException("topSignals must be >= 1, got " + topSignals);
        }
        if (!(horizonHours > 0) || Double.isInfinite(horizonHours)) {
            throw new IllegalArgumentException("horizonHours must be finite and > 0, got " + horizonHours);
        }
    }
}
