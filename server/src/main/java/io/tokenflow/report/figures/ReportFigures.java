package io.tokenflow.report.figures;

import io.tokenflow.market.analysis.DemandSweep;
import io.tokenflow.market.analysis.InvestmentSignal;
import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.report.PriceHistorySeries;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figures of {@code tokenflow report}, one builder each. Classes keep one colour across figures
 * (their index in the scenario's class order); prices are $/M tokens, rates tokens/s.
 */
public final class ReportFigures {

    /** Size of every figure but the dispatch map. */
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 620;
    public static final int MAP_WIDTH = DispatchMap.WIDTH;
    public static final int MAP_HEIGHT = DispatchMap.HEIGHT;

    /** Beyond this many labels the heat map's node labels are turned to stay apart. */
    private static final int UPRIGHT_LABELS_MAX = 8;
    /** Bar labels are turned when, side by side, they would need more than the plot's width. */
    private static final double LABEL_CHAR_WIDTH_PX = 7;
    private static final double LEVEL_LABELS_WIDTH_PX = 760;
    private static final int SLANTED_LABELS_MAX = 12;
    private static final int MAX_LINKS_SHOWN = 40;
    /** Bars and heat-map columns per figure: past this many nodes or origins labels stop being legible. */
    static final int MAX_NODES_SHOWN = 30;
    /** Lines in a price-history figure: past a dozen the colours and legend stop telling origins apart. */
    static final int MAX_ORIGINS_DRAWN = 12;
    /** Versions marked on a price-history figure; more would merge into a grey band. */
    static final int MAX_VERSIONS_MARKED = 20;
    /** Past this many versions a history line is drawn without a marker per version. */
    private static final int MAX_VERSIONS_WITH_MARKERS = 60;
    /**
     * Unsaturated cells stop at 99 %, so that only saturated ones print as 100; the colour scale
     * turns red only past 99 % (see {@link #utilisationColours}).
     */
    private static final double UNSATURATED_CAP_PERCENT = 99.0;
    private static final double SATURATED_COLOUR_FROM = 99.5;
    private static final Color LINK_SIGNAL = new Color(0x6B6B6B);
    private static final Color UNSATURATED_LINK = new Color(0x8FAACC);

    private ReportFigures() {}

    /** Map of processing (pies) and flows (arrows) by class, congested links marked. */
    public static Figure dispatchMap(Scenario scenario, ClearingResult result) {
        return DispatchMap.build(scenario, result);
    }

    /** Stacked bars of processing per node by class; labels carry the node's electricity price. */
    public static Figure processing(Scenario scenario, ClearingResult result) {
        ClassColours colours = classColours(scenario);
        Map<String, Double> totals = processedByNode(result);
        double max = totals.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        RateUnit unit = RateUnit.forMagnitude(max);
        List<ComputeNode> nodes = keepTop(scenario.nodes(), MAX_NODES_SHOWN,
                Comparator.comparingDouble((ComputeNode n) -> totals.getOrDefault(n.id(), 0.0)));
        List<String> labels = nodes.stream()
                .map(n -> String.format(Locale.ROOT, "%s ($%.3f/kWh)", n.name(), n.electricityPricePerKwh()))
                .toList();
        CategoryChart chart = new CategoryChart(WIDTH, HEIGHT);
        chart.setTitle("Processing by node and class (" + unit.label() + ")");
        chart.setXAxisTitle("node (electricity price)");
        chart.setYAxisTitle("processing (" + unit.label() + ")");
        CategoryStyler styler = categoryStyle(chart, labels);
        styler.setStacked(true);
        for (String cls : colours.classIds()) {
            List<Double> values = nodes.stream()
                    .map(n -> unit.convert(result.processing(n.id(), cls).tokensPerSecond())).toList();
            chart.addSeries(cls, labels, values).setFillColor(colours.of(cls));
        }
        double total = result.processing().stream().mapToDouble(ProcessingLevel::tokensPerSecond).sum();
        String caption = String.format(Locale.ROOT, "Token rate each node processes, stacked by workload class; "
                + "%s processed in all%s. Cheaper electricity draws load until capacity binds.", unit.format(total),
                shownOf(nodes.size(), scenario.nodes().size(), "nodes that process most"));
        return new Figure("processing", "Processing by node", caption, chart);
    }

    /** Heat map of node × class utilisation; saturated pairs are red, pairs without capacity blank. */
    public static Figure nodeUtilisation(ClearingResult result) {
        List<String> allNodes = result.processing().stream().map(ProcessingLevel::node).distinct().toList();
        Map<String, Long> saturatedAt = result.processing().stream().filter(ReportFigures::isSaturated)
                .collect(Collectors.groupingBy(ProcessingLevel::node, Collectors.counting()));
        Map<String, Double> totals = processedByNode(result);
        // where capacity binds is what this figure is for: those nodes first, then the busiest
        List<String> nodes = keepTop(allNodes, MAX_NODES_SHOWN,
                Comparator.comparingLong((String n) -> saturatedAt.getOrDefault(n, 0L))
                        .thenComparingDouble(n -> totals.getOrDefault(n, 0.0)));
        List<String> classes = result.classIds();
        List<Number[]> cells = new ArrayList<>();
        int saturated = 0;
        int withoutCapacity = 0;
        for (ProcessingLevel level : result.processing()) {
            if (!nodes.contains(level.node())) {
                continue;
            }
            Number[] cell = {nodes.indexOf(level.node()), classes.indexOf(level.classId()), 0};
            if (level.capacityTokensPerSecond() <= 0) {
                withoutCapacity++;
                continue;
            }
            if (isSaturated(level)) {
                saturated++;
                cell[2] = 100.0;
            } else {
                // below saturation never reads, or colours, as full
                cell[2] = Math.min(UNSATURATED_CAP_PERCENT,
                        100 * level.tokensPerSecond() / level.capacityTokensPerSecond());
            }
            cells.add(cell);
        }
        // the theme constructor: the plain one leaves the heat map's colours and value font unset
        HeatMapChart chart = new HeatMapChart(WIDTH, HEIGHT, Styler.ChartTheme.XChart);
        chart.setTitle("Utilisation of serving capacity by node and class (%, red = saturated)");
        chart.setXAxisTitle("node");
        chart.setYAxisTitle("class");
        HeatMapStyler styler = FigureStyle.apply(chart.getStyler());
        // pairs without capacity have no cell and show this grey
        styler.setPlotBackgroundColor(new Color(0xE6E6E6));
        styler.setPlotContentSize(1.0);
        // the gradient legend would read 0..99.5 and hide the red; the title says what red means
        styler.setLegendVisible(false);
        styler.setPlotGridLinesVisible(false);
        styler.setShowValue(true);
        styler.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, nodes.size() > 12 ? 10 : 12));
        styler.setHeatMapValueDecimalPattern("0");
        styler.setRangeColors(utilisationColours());
        styler.setXAxisLabelRotation(nodes.size() > UPRIGHT_LABELS_MAX ? 45 : 0);
        chart.addSeries("utilisation %", nodes, classes, cells).setMin(0).setMax(SATURATED_COLOUR_FROM);
        String caption = String.format(Locale.ROOT, "Processing as a percentage of capacity for each node and "
                + "class, from white (idle) to blue (nearly full). Red: %d saturated pair(s) (full, or with a scarcity "
                + "rent); grey without a number: %d pair(s) with no capacity%s.", saturated, withoutCapacity,
                shownOf(nodes.size(), allNodes.size(), "nodes with the most saturated pairs, then the busiest,"));
        return new Figure("node-utilisation", "Node utilisation", caption, chart);
    }

    /** Bars of directed-link utilisation, busiest first; saturated or congested links in red. */
    public static Figure linkUtilisation(ClearingResult result) {
        List<LinkState> busy = result.links().stream()
                .filter(l -> l.utilization() > 0 || l.congestionRent() > 0)
                .sorted(Comparator.comparingDouble(LinkState::utilization).reversed()
                        .thenComparing(LinkState::from).thenComparing(LinkState::to))
                .toList();
        List<LinkState> shown = busy.subList(0, Math.min(MAX_LINKS_SHOWN, busy.size()));
        List<String> labels = new ArrayList<>();
        List<Double> normal = new ArrayList<>();
        List<Double> full = new ArrayList<>();
        int congested = 0;
        for (LinkState link : shown) {
            labels.add(link.from() + " → " + link.to());
            boolean hot = link.congestionRent() > 0 || link.utilization() >= MarketIndicators.SATURATION;
            congested += hot ? 1 : 0;
            normal.add(hot ? 0 : 100 * link.utilization());
            full.add(hot ? 100 * link.utilization() : 0);
        }
        if (shown.isEmpty()) {
            labels.add("no link carries traffic");
            normal.add(0.0);
            full.add(0.0);
        }
        CategoryChart chart = new CategoryChart(WIDTH, HEIGHT);
        chart.setTitle("Link utilisation (% of capacity), busiest first");
        chart.setXAxisTitle("directed link");
        chart.setYAxisTitle("utilisation (%)");
        CategoryStyler styler = categoryStyle(chart, labels);
        // one bar per link: the other series is 0 there, and stacking keeps the bar full width
        styler.setStacked(true);
        styler.setYAxisMin(0.0);
        styler.setYAxisMax(Math.max(100, shown.stream().mapToDouble(l -> 100 * l.utilization()).max().orElse(0)));
        styler.setYAxisDecimalPattern("0");
        chart.addSeries("below capacity", labels, normal).setFillColor(UNSATURATED_LINK);
        chart.addSeries("saturated or congested", labels, full).setFillColor(ClassColours.SATURATED);
        String caption = String.format(Locale.ROOT, "Load over capacity of each directed link that carries "
                + "traffic (%d of %d links%s). Red: %d link(s) full or earning a congestion rent.",
                shown.size(), result.links().size(),
                busy.size() > shown.size() ? ", the " + MAX_LINKS_SHOWN + " busiest shown" : "", congested);
        return new Figure("link-utilisation", "Link utilisation", caption, chart);
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
        if (!result.classIds().contains(classId)) {
            throw new IllegalArgumentException("no class '" + classId + "' in the clearing (classes: "
                    + result.classIds() + ")");
        }
        List<NodePrice> allPrices = result.prices().stream().filter(p -> p.classId().equals(classId)).toList();
        List<NodePrice> prices = keepTop(allPrices, MAX_NODES_SHOWN, Comparator.comparingDouble(NodePrice::price));
        Map<String, ToDoubleFunction<NodePrice>> components = new LinkedHashMap<>();
        components.put("energy", NodePrice::energy);
        components.put("scarcity", NodePrice::scarcity);
        components.put("routing", NodePrice::routing);
        components.put("congestion", NodePrice::congestion);
        components.put("unserved penalty", NodePrice::unservedPenalty);
        Map<String, Color> componentColours = Map.of(
                "energy", new Color(0x4E79A7), "scarcity", new Color(0xF28E2B), "routing", new Color(0x76B7B2),
                "congestion", ClassColours.SATURATED, "unserved penalty", new Color(0x555555));

        CategoryChart chart = new CategoryChart(WIDTH, HEIGHT);
        chart.setTitle("Price decomposition, class " + classId + " ($/M tokens)");
        chart.setXAxisTitle("origin → serving node: price");
        chart.setYAxisTitle("price ($/M tokens)");
        // the total goes in the label: XChart prints a stack's sum only along with every segment's value
        List<String> labels = prices.stream().map(p -> p.node() + p.servingNode()
                .filter(s -> !s.equals(p.node())).map(s -> " → " + s).orElse("")
                + ": " + threeDigits(p.price())).toList();
        CategoryStyler styler = categoryStyle(chart, labels);
        styler.setStacked(true);
        styler.setYAxisDecimalPattern("#,##0.###");
        List<String> drawn = new ArrayList<>();
        for (Map.Entry<String, ToDoubleFunction<NodePrice>> component : components.entrySet()) {
            List<Double> values = prices.stream().map(p -> component.getValue().applyAsDouble(p)).toList();
            if (values.stream().anyMatch(v -> Math.abs(v) > 1e-12)) {
                chart.addSeries(component.getKey(), labels, values).setFillColor(componentColours.get(component.getKey()));
                drawn.add(component.getKey());
            }
        }
        String caption;
        if (prices.isEmpty()) {
            chart.addSeries("no prices", List.of("status " + result.status()), List.of(0.0));
            caption = "The clearing is " + result.status() + ": it has no prices to decompose.";
        } else {
            if (drawn.isEmpty()) {
                chart.addSeries("energy", labels, prices.stream().map(p -> 0.0).toList());
            }
            caption = String.format(Locale.ROOT, "The price π of class %s at each origin, split into the parts "
                    + "of eq. 9 along the path to the node serving the marginal unit (after the arrow when it is "
                    + "not the origin); the price itself follows the colon. Mean price %.4g $/M tokens; components drawn: "
                    + "%s%s.", classId, result.meanPrice(classId),
                    drawn.isEmpty() ? "none (all zero)" : String.join(", ", drawn),
                    shownOf(prices.size(), allPrices.size(), "dearest origins"));
        }
        return new Figure("decomposition-" + Figure.stemPart(classId), "Price decomposition: " + classId,
                caption, chart);
    }

    /** Bars of the {@code top} most valuable capacities: rent × hours of one more percent. */
    public static Figure investmentSignals(List<InvestmentSignal> signals, int top) {
        if (top < 1) {
            throw new IllegalArgumentException("top must be >= 1, got " + top);
        }
        List<InvestmentSignal> shown = signals.subList(0, Math.min(top, signals.size()));
        double hours = shown.isEmpty() ? 0 : shown.get(0).horizonHours();
        CategoryChart chart = new CategoryChart(WIDTH, HEIGHT);
        chart.setXAxisTitle("capacity");
        chart.setYAxisTitle("value of +1 % capacity ($)");
        List<String> labels = new ArrayList<>();
        List<Double> nodeValues = new ArrayList<>();
        List<Double> linkValues = new ArrayList<>();
        for (InvestmentSignal signal : shown) {
            labels.add(signal.asset().replace("->", " → "));
            boolean link = signal.kind() == InvestmentSignal.Kind.LINK;
            nodeValues.add(link ? 0 : signal.onePercentValue());
            linkValues.add(link ? signal.onePercentValue() : 0);
        }
        String caption;
        if (shown.isEmpty()) {
            chart.setTitle("Investment signals: no binding capacity");
            labels.add("no binding capacity");
            nodeValues.add(0.0);
            linkValues.add(0.0);
            caption = "No capacity earns a rent at this clearing: one more unit of any of them saves nothing.";
        } else {
            chart.setTitle(String.format(Locale.ROOT, "Investment signals: value of +1 %% capacity over %,.0f h ($)",
                    hours));
            caption = String.format(Locale.ROOT, "The %d most valuable of %d capacities with a rent: the scarcity "
                    + "or congestion rent times one percent of the capacity, over %,.0f hours. Exact for a small "
                    + "increase while the optimal basis holds, an upper bound beyond.", shown.size(),
                    signals.size(), hours);
        }
        CategoryStyler styler = categoryStyle(chart, labels);
        styler.setStacked(true);
        chart.setCustomYAxisTickLabelsFormatter(ReportFigures::dollars);
        if (shown.isEmpty()) {
            styler.setYAxisMin(0.0);
            styler.setYAxisMax(1.0);
            styler.setYAxisTicksVisible(false);
        }
        // a legend entry only for a kind that has a bar
        chart.addSeries("node × class capacity", labels, nodeValues).setFillColor(new Color(0x4E79A7))
                .setShowInLegend(shown.stream().anyMatch(sig -> sig.kind() == InvestmentSignal.Kind.NODE_CLASS));
        chart.addSeries("link capacity", labels, linkValues).setFillColor(LINK_SIGNAL)
                .setShowInLegend(shown.stream().anyMatch(sig -> sig.kind() == InvestmentSignal.Kind.LINK));
        styler.setLegendVisible(!shown.isEmpty());
        return new Figure("investment-signals", "Investment signals", caption, chart);
    }

    /** Step lines of one class's price per origin over time. Stem {@code price-history-<class>}. */
    public static Figure priceHistory(PriceHistorySeries history) {
        XYChart chart = new XYChart(WIDTH, HEIGHT);
        chart.setTitle("Price history, class " + history.classId() + " ($/M tokens)");
        chart.setXAxisTitle("cleared at (UTC)");
        chart.setYAxisTitle("price ($/M tokens)");
        XYStyler styler = FigureStyle.apply(chart.getStyler());
        styler.setTimezone(java.util.TimeZone.getTimeZone("UTC"));
        styler.setMarkerSize(6);
        List<PriceHistorySeries.Point> all = history.byOrigin().values().stream().flatMap(List::stream).toList();
        long spanMillis = all.isEmpty() ? 0
                : all.stream().mapToLong(p -> p.clearedAt().toEpochMilli()).max().getAsLong()
                        - all.stream().mapToLong(p -> p.clearedAt().toEpochMilli()).min().getAsLong();
        styler.setDatePattern(spanMillis > 86_400_000L ? "MM-dd HH:mm" : spanMillis > 600_000L ? "HH:mm" : "HH:mm:ss");
        int index = 0;
        long versions = all.stream().mapToLong(PriceHistorySeries.Point::version).distinct().count();
        // the origins whose price moved most, then the dearest: a flat line tells the least
        List<Map.Entry<String, List<PriceHistorySeries.Point>>> drawn = keepTop(
                List.copyOf(history.byOrigin().entrySet()), MAX_ORIGINS_DRAWN,
                Comparator.comparingDouble((Map.Entry<String, List<PriceHistorySeries.Point>> e) -> range(e.getValue()))
                        .thenComparingDouble(e -> e.getValue().isEmpty() ? 0
                                : e.getValue().get(e.getValue().size() - 1).price()));
        for (Map.Entry<String, List<PriceHistorySeries.Point>> origin : drawn) {
            Color colour = ClassColours.byIndex(index++);
            if (origin.getValue().isEmpty()) {
                continue;
            }
            List<Date> times = origin.getValue().stream().map(p -> Date.from(p.clearedAt())).toList();
            List<Double> prices = origin.getValue().stream().map(PriceHistorySeries.Point::price).toList();
            XYSeries series = chart.addSeries(origin.getKey(), times, prices);
            series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Step);
            series.setLineColor(colour);
            series.setMarkerColor(colour);
            // a marker per version reads while versions are few; thousands of them only blot the line
            series.setMarker(origin.getValue().size() <= MAX_VERSIONS_WITH_MARKERS ? SeriesMarkers.CIRCLE
                    : SeriesMarkers.NONE);
            series.setLineStyle(new BasicStroke(2f));
        }
        if (chart.getSeriesMap().isEmpty()) {
            XYSeries none = chart.addSeries("no price history", List.of(new Date(0)), List.of(0.0));
            none.setMarker(SeriesMarkers.NONE);
        } else {
            markVersions(chart, styler, drawn.stream().flatMap(e -> e.getValue().stream()).toList());
        }
        String caption = String.format(Locale.ROOT, "The price of class %s at each origin, held from one cleared "
                + "version to the next (%d version(s), %d origin(s)%s). Dotted lines mark the versions after the "
                + "first (up to " + MAX_VERSIONS_MARKED + "); the page's table says what made each.", history.classId(), versions,
                history.byOrigin().size(), shownOf(drawn.size(), history.byOrigin().size(),
                        "origins whose price moved most"));
        return new Figure("price-history-" + Figure.stemPart(history.classId()),
                "Price history: " + history.classId(), caption, chart);
    }

    /**
     * A faint line and its number at each version after the first, so the figure reads with the
     * page's table of versions and their causes; left out past {@link #MAX_VERSIONS_MARKED}, where
     * the lines would merge.
     */
    private static void markVersions(XYChart chart, XYStyler styler, List<PriceHistorySeries.Point> points) {
        List<PriceHistorySeries.Point> versions = points.stream()
                .collect(Collectors.toMap(PriceHistorySeries.Point::version, p -> p, (a, b) -> a, java.util.TreeMap::new))
                .values().stream().skip(1).toList();
        if (versions.isEmpty() || versions.size() > MAX_VERSIONS_MARKED) {
            return;
        }
        double max = points.stream().mapToDouble(PriceHistorySeries.Point::price).max().orElse(0);
        double min = points.stream().mapToDouble(PriceHistorySeries.Point::price).min().orElse(0);
        double headroom = max > min ? 0.1 * (max - min) : Math.max(0.05 * Math.abs(max), 1e-6);
        styler.setYAxisMax(max + 2 * headroom);
        styler.setYAxisMin(min - headroom);
        styler.setAnnotationLineColor(new Color(0xB0B0B0));
        styler.setAnnotationLineStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {3f, 3f}, 0f));
        styler.setAnnotationTextFontColor(new Color(0x555555));
        for (PriceHistorySeries.Point version : versions) {
            double x = version.clearedAt().toEpochMilli();
            chart.addAnnotation(new AnnotationLine(x, true, false));
            chart.addAnnotation(new AnnotationText("v" + version.version(), x, max + 1.4 * headroom, false));
        }
    }

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
    private static String shownOf(int shown, int all, String which) {
        return shown < all ? String.format(Locale.ROOT, "; the %d %s of %d shown", shown, which, all) : "";
    }

    private static Map<String, Double> processedByNode(ClearingResult result) {
        Map<String, Double> totals = new HashMap<>();
        result.processing().forEach(p -> totals.merge(p.node(), p.tokensPerSecond(), Double::sum));
        return totals;
    }

    private static double range(List<PriceHistorySeries.Point> points) {
        return points.stream().mapToDouble(PriceHistorySeries.Point::price).max().orElse(0)
                - points.stream().mapToDouble(PriceHistorySeries.Point::price).min().orElse(0);
    }

    /** {@code $950}, {@code $12k}, {@code $6.5M}: axis labels short enough to read. */
    static String dollars(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1e6) {
            return "$" + threeDigits(value / 1e6) + "M";
        }
        if (magnitude >= 1e3) {
            return "$" + threeDigits(value / 1e3) + "k";
        }
        return "$" + threeDigits(value);
    }

    private static String threeDigits(double value) {
        return value == 0 ? "0"
                : new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /** The class colours of a scenario, in its class order. */
    public static ClassColours classColours(Scenario scenario) {
        return new ClassColours(scenario.classes().stream().map(c -> c.id()).toList());
    }

    static boolean isSaturated(ProcessingLevel level) {
        return level.scarcityRent() > 0
                || level.tokensPerSecond() >= MarketIndicators.SATURATION * level.capacityTokensPerSecond();
    }

    /**
     * White to blue over 0..99 %, then red from 99.5 %. XChart blends neighbouring range colours,
     * so the blue ramp is given in 200 steps to squeeze the blend into red between 99 and 99.5 %,
     * where no cell lies.
     */
    private static Color[] utilisationColours() {
        int steps = 200;
        Color low = new Color(0xF7FBFF);
        Color high = new Color(0x3C7FC0);
        Color[] colours = new Color[steps + 1];
        for (int i = 0; i < steps; i++) {
            double t = i / (double) (steps - 1);
            colours[i] = new Color(
                    (int) Math.round(low.getRed() + t * (high.getRed() - low.getRed())),
                    (int) Math.round(low.getGreen() + t * (high.getGreen() - low.getGreen())),
                    (int) Math.round(low.getBlue() + t * (high.getBlue() - low.getBlue())));
        }
        colours[steps] = ClassColours.SATURATED;
        return colours;
    }

    private static CategoryStyler categoryStyle(CategoryChart chart, List<String> labels) {
        CategoryStyler styler = FigureStyle.apply(chart.getStyler());
        styler.setPlotGridVerticalLinesVisible(false);
        styler.setAvailableSpaceFill(0.7);
        styler.setOverlapped(false);
        int longest = labels.stream().mapToInt(String::length).max().orElse(0);
        if (labels.size() * longest * LABEL_CHAR_WIDTH_PX > LEVEL_LABELS_WIDTH_PX) {
            // past a dozen bars even slanted labels run into each other; upright ones do not
            styler.setXAxisLabelRotation(labels.size() > SLANTED_LABELS_MAX ? 90 : 45);
            styler.setXAxisLabelAlignmentVertical(AxesChartStyler.TextAlignment.Right);
        }
        return styler;
    }
}
