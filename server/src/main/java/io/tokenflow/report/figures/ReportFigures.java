package io.tokenflow.report.figures;

import io.tokenflow.market.analysis.DemandSweep;
import io.tokenflow.market.analysis.InvestmentSignal;
import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.report.PriceHistorySeries;
import java.util.List;

/**
 * The figures of {@code tokenflow report}, one entry each; every figure is drawn by a class of its
 * own in this package, which this façade keeps out of the public API. Classes keep one colour across
 * figures (their index in the scenario's class order); prices are $/M tokens, rates tokens/s.
 */
public final class ReportFigures {

    /** Size of every figure but the dispatch map. */
    public static final int WIDTH = FigureStyle.WIDTH;
    public static final int HEIGHT = FigureStyle.HEIGHT;
    public static final int MAP_WIDTH = DispatchMap.WIDTH;
    public static final int MAP_HEIGHT = DispatchMap.HEIGHT;

    private ReportFigures() {}

    /** Map of processing (pies) and flows (arrows) by class, congested links marked. */
    public static Figure dispatchMap(Scenario scenario, ClearingResult result) {
        return DispatchMap.build(scenario, result);
    }

    /** Stacked bars of processing per node by class; labels carry the node's electricity price. */
    public static Figure processing(Scenario scenario, ClearingResult result) {
        return ProcessingFigure.build(scenario, result);
    }

    /** Heat map of node × class utilisation; saturated pairs are red, pairs without capacity blank. */
    public static Figure nodeUtilisation(ClearingResult result) {
        return NodeUtilisationHeatMap.build(result);
    }

    /** Bars of directed-link utilisation, busiest first; saturated or congested links in red. */
    public static Figure linkUtilisation(ClearingResult result) {
        return LinkUtilisationFigure.build(result);
    }

    /**
     * Mean price per class against the demand scale (left axis), with the counts of scarce pairs and
     * congested links (right axis) and a line where the market first fails to serve all demand.
     *
     * @param scaleMeaning what the scale multiplies, for the axis title: e.g. "× the oracle's current demand"
     */
    public static Figure demandSweep(List<DemandSweep.Point> points, MarketIndicators indicators, String scaleMeaning) {
        return DemandSweepFigure.build(points, indicators, scaleMeaning);
    }

    /**
     * Stacked bars of one class's price per origin by component (paper eq. 9); each bar's label
     * carries the price. Stem {@code decomposition-<class>}.
     */
    public static Figure priceDecomposition(ClearingResult result, String classId) {
        return PriceDecompositionFigure.build(result, classId);
    }

    /** Bars of the {@code top} most valuable capacities: rent × hours of one more percent. */
    public static Figure investmentSignals(List<InvestmentSignal> signals, int top) {
        return InvestmentSignalsFigure.build(signals, top);
    }

    /** Step lines of one class's price per origin over time. Stem {@code price-history-<class>}. */
    public static Figure priceHistory(PriceHistorySeries history) {
        return PriceHistoryFigure.build(history);
    }

    /** The class colours of a scenario, in its class order. */
    public static ClassColours classColours(Scenario scenario) {
        return ClassColours.forScenario(scenario);
    }
}
