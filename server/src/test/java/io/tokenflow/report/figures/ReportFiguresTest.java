package io.tokenflow.report.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.analysis.DemandSweep;
import io.tokenflow.market.analysis.InvestmentSignals;
import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.scenarios.SyntheticScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.market.solution.UnservedDemand;
import io.tokenflow.report.PriceHistorySeries;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.w3c.dom.Element;

class ReportFiguresTest {

    /** five-node clears up to 40x and is infeasible at 50x. */
    private static final List<Double> SWEEP_SCALES = List.of(1.0, 10.0, 20.0, 35.0, 40.0, 50.0);

    private static Scenario twoNode;
    private static ClearingResult twoNodeResult;
    private static Scenario fiveNode;
    private static ClearingResult fiveNodeResult;
    private static List<DemandSweep.Point> sweep;

    @TempDir
    Path dir;

    @BeforeAll
    static void clear() {
        System.setProperty("java.awt.headless", "true");
        twoNode = EmbeddedScenarios.get("two-node");
        twoNodeResult = MarketClearing.clearOnce(twoNode, SolverKind.GLOP);
        fiveNode = EmbeddedScenarios.get("five-node");
        fiveNodeResult = MarketClearing.clearOnce(fiveNode, SolverKind.GLOP);
        sweep = DemandSweep.run(s -> EmbeddedScenarios.get("five-node", ScenarioOptions.defaults().withScale(s)),
                SWEEP_SCALES, SolverKind.GLOP);
    }

    @Test
    void everyFigureWritesAPngAndAnSvgOfItsSize() throws Exception {
        List<Figure> figures = new ArrayList<>();
        figures.add(ReportFigures.dispatchMap(fiveNode, fiveNodeResult));
        figures.add(ReportFigures.dispatchMap(twoNode, twoNodeResult));
        figures.add(ReportFigures.processing(twoNode, twoNodeResult));
        figures.add(ReportFigures.nodeUtilisation(twoNodeResult));
        figures.add(ReportFigures.linkUtilisation(fiveNodeResult));
        figures.add(ReportFigures.demandSweep(sweep, MarketIndicators.defaults(), "× base demand"));
        for (String cls : twoNodeResult.classIds()) {
            figures.add(ReportFigures.priceDecomposition(twoNodeResult, cls));
        }
        figures.add(ReportFigures.investmentSignals(InvestmentSignals.rank(fiveNode, fiveNodeResult, 8760), 10));
        Figure noSignals = ReportFigures.investmentSignals(List.of(), 10);
        figures.add(noSignals);
        figures.add(ReportFigures.priceHistory(history()));

        // what each figure must draw: every class of its market in the class's colour; red where a link is
        // congested (five-node at 35x has one)
        Map<Figure, List<Color>> mustShow = new HashMap<>();
        ClassColours twoNodeColours = ReportFigures.classColours(twoNode);
        mustShow.put(figures.get(2), twoNode.classes().stream().map(k -> twoNodeColours.of(k.id())).toList());
        mustShow.put(figures.get(4), List.of(ClassColours.SATURATED));
        ClassColours sweepColours = new ClassColours(sweep.get(0).result().classIds());
        mustShow.put(figures.get(5), sweep.get(0).result().classIds().stream().map(sweepColours::of).toList());
        Set<String> stems = new HashSet<>();
        for (int i = 0; i < figures.size(); i++) {
            Figure figure = figures.get(i);
            // a folder each: two dispatch maps share a stem
            Path out = dir.resolve(String.valueOf(i));
            stems.add(figure.fileStem());
            FigureFiles.Written written = FigureFiles.write(figure, out);
            assertEquals(out.resolve(figure.fileStem() + ".png"), written.png());
            assertEquals(out.resolve(figure.fileStem() + ".svg"), written.svg());

            BufferedImage png = ImageIO.read(written.png().toFile());
            assertNotNull(png, figure.fileStem() + ".png does not read back as an image");
            assertEquals(figure.width(), png.getWidth(), figure.fileStem());
            assertEquals(figure.height(), png.getHeight(), figure.fileStem());
            if (figure == noSignals) {
                // nothing to plot: only text and frame, in greys
                assertEquals(0, coloursBeyondGrey(png), "no signals, no bars");
                assertTrue(rgbSet(png).size() >= 2, "a blank image for " + figure.fileStem());
            } else {
                assertTrue(coloursBeyondGrey(png) >= 2, figure.fileStem() + " has almost no colour: "
                        + coloursBeyondGrey(png));
            }
            Set<Integer> present = rgbSet(png);
            for (Color must : mustShow.getOrDefault(figure, List.of())) {
                assertTrue(present.contains(must.getRGB() & 0xFFFFFF), figure.fileStem() + " lacks the colour "
                        + Integer.toHexString(must.getRGB() & 0xFFFFFF));
            }

            Element svg = parseSvg(written.svg());
            assertEquals("svg", svg.getLocalName() == null ? svg.getTagName() : svg.getLocalName());
            assertEquals(figure.width(), pixels(svg.getAttribute("width")), figure.fileStem());
            assertEquals(figure.height(), pixels(svg.getAttribute("height")), figure.fileStem());
        }
        assertTrue(stems.containsAll(List.of("dispatch-map", "processing", "node-utilisation", "link-utilisation",
                "demand-sweep", "investment-signals", "price-history-chat", "decomposition-chat")), stems.toString());
        try (Stream<Path> left = Files.walk(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp files left behind");
        }
    }

    @Test
    void theDispatchMapShowsEveryProcessedClassInItsColour() throws IOException {
        Figure map = ReportFigures.dispatchMap(fiveNode, fiveNodeResult);
        assertEquals(ReportFigures.MAP_WIDTH, map.width());
        assertEquals(ReportFigures.MAP_HEIGHT, map.height());
        BufferedImage png = ImageIO.read(FigureFiles.write(map, dir).png().toFile());
        Set<Integer> present = rgbSet(png);
        ClassColours colours = ReportFigures.classColours(fiveNode);
        for (String cls : fiveNodeResult.classIds()) {
            double processed = fiveNodeResult.processing().stream().filter(p -> p.classId().equals(cls))
                    .mapToDouble(ProcessingLevel::tokensPerSecond).sum();
            if (processed > 0) {
                assertTrue(present.contains(colours.of(cls).getRGB() & 0xFFFFFF), "no pixel of class " + cls);
            }
        }
        assertFalse(MarketIndicators.congestedLinks(fiveNodeResult).isEmpty(), "five-node at 35x has a congested link");
        assertTrue(present.contains(ClassColours.SATURATED.getRGB() & 0xFFFFFF), "no red congested link");
    }

    @Test
    void aNodeWithoutCoordinatesAndAClearingWithoutFlowsStillDraw() throws IOException {
        List<ComputeNode> nodes = new ArrayList<>(fiveNode.nodes());
        ComputeNode first = nodes.get(0);
        nodes.set(0, new ComputeNode(first.id(), first.name(), OptionalDouble.empty(), OptionalDouble.empty(),
                first.electricityPricePerKwh(), first.opexPerMTokens(), first.capacityTokensPerSecond()));
        Scenario unplaced = new Scenario(fiveNode.name(), fiveNode.bandwidthModel(), fiveNode.classes(), nodes,
                fiveNode.links(), fiveNode.demand());
        ClearingResult r = fiveNodeResult;
        ClearingResult noFlows = new ClearingResult(r.scenario(), r.status(), r.bandwidthModel(), r.latencyScope(),
                r.objectivePerHour(), r.prices(), r.processing(), List.of(), List.of(), r.links(), r.unserved(), r.settlement(),
                r.diagnosis(), r.stats());

        Figure map = ReportFigures.dispatchMap(unplaced, noFlows);
        assertTrue(map.caption().contains(first.id()), map.caption());
        assertTrue(map.caption().contains("No flows"), map.caption());
        BufferedImage png = ImageIO.read(FigureFiles.write(map, dir).png().toFile());
        assertEquals(map.width(), png.getWidth());

        List<ComputeNode> nowhere = twoNode.nodes().stream().map(n -> new ComputeNode(n.id(), n.name(),
                OptionalDouble.empty(), OptionalDouble.empty(), n.electricityPricePerKwh(), n.opexPerMTokens(),
                n.capacityTokensPerSecond())).toList();
        Scenario noCoordinates = new Scenario(twoNode.name(), twoNode.bandwidthModel(), twoNode.classes(), nowhere,
                twoNode.links(), twoNode.demand());
        FigureFiles.write(ReportFigures.dispatchMap(noCoordinates, twoNodeResult), dir.resolve("nowhere"));
    }

    @Test
    void theHeatMapCountsSaturatedPairsAndLeavesPairsWithoutCapacityOut() throws IOException {
        ClearingResult r = fiveNodeResult;
        List<ProcessingLevel> processing = new ArrayList<>(r.processing());
        ProcessingLevel first = processing.get(0);
        processing.set(0, new ProcessingLevel(first.node(), first.classId(), 0, 0, 0));
        ClearingResult oneWithout = new ClearingResult(r.scenario(), r.status(), r.bandwidthModel(), r.latencyScope(),
                r.objectivePerHour(), r.prices(), processing, r.flows(), r.pathFlows(), r.links(), r.unserved(), r.settlement(),
                r.diagnosis(), r.stats());
        long saturated = processing.stream().filter(p -> p.capacityTokensPerSecond() > 0)
                .filter(FigureData::isSaturated).count();

        Figure heatMap = ReportFigures.nodeUtilisation(oneWithout);
        assertTrue(heatMap.caption().contains("Red: " + saturated + " saturated"), heatMap.caption());
        assertTrue(heatMap.caption().contains("1 pair(s) with no capacity"), heatMap.caption());
        BufferedImage png = ImageIO.read(FigureFiles.write(heatMap, dir).png().toFile());
        assertTrue(rgbSet(png).contains(ClassColours.SATURATED.getRGB() & 0xFFFFFF), "no red saturated cell");
    }

    @Test
    void axisLabelsStayShort() {
        assertEquals("$6.3M", FigureStyle.dollars(6_300_000));
        assertEquals("$450k", FigureStyle.dollars(450_000));
        assertEquals("$12.5", FigureStyle.dollars(12.5));
        assertEquals("$0", FigureStyle.dollars(0));
        assertEquals("0.063", DemandSweepFigure.priceLabel(Math.pow(10, -1.2)));
        assertEquals("100", DemandSweepFigure.priceLabel(100.0000001));
        assertEquals("3", DemandSweepFigure.countLabel(3.0000000001));
    }

    @Test
    void pieWedgesCoverTheCircleInProportionToTheShares() {
        double[] shares = {3, 0, 1, 4};
        List<PieGeometry.Wedge> wedges = PieGeometry.wedges(shares);
        assertEquals(3, wedges.size(), "a zero share gets no wedge");
        assertEquals(0, wedges.get(0).startAngle(), 1e-12);
        assertEquals(2 * Math.PI, wedges.get(2).endAngle(), 1e-12);
        double[] nonZero = {3, 1, 4};
        for (int i = 0; i < wedges.size(); i++) {
            PieGeometry.Wedge w = wedges.get(i);
            assertEquals(2 * Math.PI * nonZero[i] / 8, w.endAngle() - w.startAngle(), 1e-12);
            if (i > 0) {
                assertEquals(wedges.get(i - 1).endAngle(), w.startAngle(), 1e-12);
            }
        }
        assertTrue(PieGeometry.wedges(new double[] {0, 0}).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> PieGeometry.wedges(new double[] {1, -1}));
    }

    @Test
    void wedgeOutlinesAreRoundInPixelsWhateverTheAxisScales() {
        PieGeometry.PixelScale scale = new PieGeometry.PixelScale(10, 25);
        PieGeometry.Outline outline = PieGeometry.wedgeOutline(5, 40, 20,
                new PieGeometry.Wedge(0, 2 * Math.PI), scale);
        for (int i = 0; i < outline.xs().length; i++) {
            double dx = (outline.xs()[i] - 5) * scale.perUnitX();
            double dy = (outline.ys()[i] - 40) * scale.perUnitY();
            assertEquals(20, Math.hypot(dx, dy), 1e-9);
        }
        PieGeometry.Outline quarter = PieGeometry.wedgeOutline(0, 0, 10, new PieGeometry.Wedge(0, Math.PI / 2), scale);
        assertEquals(0, quarter.xs()[0], 1e-12, "a wedge starts at the centre");
        assertEquals(10.0 / 25, quarter.ys()[1], 1e-12, "clockwise from twelve o'clock");
        assertEquals(10.0 / 10, quarter.xs()[quarter.xs().length - 1], 1e-12, "a quarter ends at three o'clock");
    }

    @Test
    void flowsRunToTheRightOfTheirDirection() {
        PieGeometry.PixelScale scale = new PieGeometry.PixelScale(1, 1);
        PieGeometry.Outline east = PieGeometry.offsetSegment(0, 0, 100, 0, 5, 10, 20, scale).orElseThrow();
        assertEquals(10, east.xs()[0], 1e-12);
        assertEquals(80, east.xs()[1], 1e-12);
        assertEquals(-5, east.ys()[0], 1e-12, "eastbound traffic keeps to the south");
        PieGeometry.Outline west = PieGeometry.offsetSegment(100, 0, 0, 0, 5, 10, 20, scale).orElseThrow();
        assertEquals(5, west.ys()[0], 1e-12, "westbound traffic keeps to the north");
        assertTrue(PieGeometry.offsetSegment(0, 0, 10, 0, 0, 6, 6, scale).isEmpty(), "nothing left after trimming");
    }

    @Test
    void theSweepBreakpointIsTheFirstInfeasibleOrUnservedScale() {
        Optional<SweepBreakpoint> first = SweepBreakpoint.first(sweep);
        assertEquals(Optional.of(new SweepBreakpoint(50, true)), first);
        assertEquals("infeasible at 50x", first.orElseThrow().label());
        assertEquals(Optional.empty(), SweepBreakpoint.first(sweep.subList(0, 5)));
        assertEquals("penalty from 38.5x", new SweepBreakpoint(38.5, false).label());

        DemandSweep.Point cleared = sweep.get(0);
        ClearingResult r = cleared.result();
        ClearingResult shortOfDemand = new ClearingResult(r.scenario(), r.status(), r.bandwidthModel(),
                r.latencyScope(), r.objectivePerHour(), r.prices(), r.processing(), r.flows(), r.pathFlows(), r.links(),
                List.of(new UnservedDemand(twoNode.nodes().get(0).id(), "chat", 5)), r.settlement(),
                r.diagnosis(), r.stats());
        List<DemandSweep.Point> penalised = List.of(cleared,
                new DemandSweep.Point(2, cleared.demandTokensPerSecond() * 2, shortOfDemand), sweep.get(5));
        assertEquals(Optional.of(new SweepBreakpoint(2, false)), SweepBreakpoint.first(penalised));
    }

    @Test
    void aClassHasOneColourInEveryFigure() {
        ClassColours fromScenario = ReportFigures.classColours(fiveNode);
        ClassColours fromResult = new ClassColours(fiveNodeResult.classIds());
        for (String cls : fiveNodeResult.classIds()) {
            assertEquals(fromScenario.of(cls), fromResult.of(cls), cls);
        }
        assertEquals(ClassColours.byIndex(1), fromScenario.of(fiveNode.classes().get(1).id()));
        Set<Color> distinct = new HashSet<>();
        fiveNodeResult.classIds().forEach(cls -> distinct.add(fromScenario.of(cls)));
        assertEquals(fiveNodeResult.classIds().size(), distinct.size(), "classes share a colour");
        assertFalse(distinct.contains(ClassColours.SATURATED), "a class looks like congestion");
        assertThrows(IllegalArgumentException.class, () -> fromScenario.of("no-such-class"));
    }

    @Test
    void badInputsFailWithTheOffendingValue() {
        IllegalArgumentException stem = assertThrows(IllegalArgumentException.class,
                () -> new Figure("Bad_Stem", "t", "", ReportFigures.linkUtilisation(twoNodeResult).chart()));
        assertTrue(stem.getMessage().contains("Bad_Stem"), stem.getMessage());
        IllegalArgumentException cls = assertThrows(IllegalArgumentException.class,
                () -> ReportFigures.priceDecomposition(twoNodeResult, "nope"));
        assertTrue(cls.getMessage().contains("nope"), cls.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReportFigures.investmentSignals(List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> ReportFigures.demandSweep(List.of(),
                MarketIndicators.defaults(), "× base demand"));
    }

    @Test
    void largeMarketsShowTheirBusiestNodesDearestOriginsAndLargestFlows() {
        Scenario big = SyntheticScenarios.generate(new SyntheticScenarios.Spec(60, 3, 6,
                BandwidthModel.TOKEN_EQUIVALENT, 0.7, true, 0.25, 7));
        ClearingResult result = MarketClearing.clearOnce(big, SolverKind.GLOP);
        assertTrue(result.optimal());

        Figure processing = ReportFigures.processing(big, result);
        java.util.Collection<?> bars = ((CategoryChart) processing.chart()).getSeriesMap().values().iterator().next()
                .getXData();
        assertEquals(FigureData.MAX_NODES_SHOWN, bars.size());
        String busiest = big.nodes().stream().max(java.util.Comparator.comparingDouble(n -> result.processing().stream()
                .filter(p -> p.node().equals(n.id())).mapToDouble(ProcessingLevel::tokensPerSecond).sum()))
                .orElseThrow().name();
        assertTrue(bars.stream().anyMatch(label -> label.toString().startsWith(busiest + " (")), busiest);
        assertTrue(processing.caption().contains("the 30 nodes that process most of 60 shown"), processing.caption());

        Figure decomposition = ReportFigures.priceDecomposition(result, "class-00");
        assertTrue(decomposition.caption().contains("the 30 dearest origins of 60 shown"), decomposition.caption());
        assertTrue(ReportFigures.nodeUtilisation(result).caption().contains("of 60 shown"));
        Figure map = ReportFigures.dispatchMap(big, result);
        assertTrue(map.caption().contains("Names are written for the 30 busiest of 60 nodes."), map.caption());
        assertTrue(result.flows().size() > DispatchMap.MAX_FLOWS_DRAWN, "the 60-node market has more flows than are"
                + " drawn: " + result.flows().size());
        assertTrue(map.caption().contains("The 80 largest of " + result.flows().size() + " flows are drawn."),
                map.caption());
    }

    @Test
    void keepTopKeepsTheHighestRankedInTheirOwnOrder() {
        List<Integer> values = List.of(5, 1, 9, 3, 9, 7);
        assertEquals(List.of(9, 9, 7), FigureData.keepTop(values, 3, java.util.Comparator.naturalOrder()));
        assertEquals(List.of(5, 9, 9, 7), FigureData.keepTop(values, 4, java.util.Comparator.naturalOrder()));
        assertEquals(values, FigureData.keepTop(values, 6, java.util.Comparator.naturalOrder()));
    }

    private static PriceHistorySeries history() {
        Map<String, List<PriceHistorySeries.Point>> byOrigin = new LinkedHashMap<>();
        Instant start = Instant.parse("2026-01-01T10:00:00Z");
        for (ComputeNode node : twoNode.nodes()) {
            List<PriceHistorySeries.Point> points = new ArrayList<>();
            for (int v = 1; v <= 4; v++) {
                points.add(new PriceHistorySeries.Point(start.plusSeconds(60L * v), v,
                        twoNodeResult.price(node.id(), "chat").price() * (1 + 0.1 * v), "capacity change " + v));
            }
            byOrigin.put(node.id(), points);
        }
        return new PriceHistorySeries("chat", byOrigin);
    }

    /** Colours that are not white, black or a grey: what a chart draws beyond its frame and text. */
    private static int coloursBeyondGrey(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int rgb : rgbSet(image)) {
            int r = rgb >> 16 & 0xFF;
            int g = rgb >> 8 & 0xFF;
            int b = rgb & 0xFF;
            if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 30) {
                colours.add(rgb);
            }
        }
        return colours.size();
    }

    private static Set<Integer> rgbSet(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return colours;
    }

    private static Element parseSvg(Path svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        // the SVG names the W3C DTD; never fetch it
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder().parse(svg.toFile()).getDocumentElement();
    }

    private static int pixels(String length) {
        return (int) Math.round(Double.parseDouble(length.replace("px", "")));
    }
}
