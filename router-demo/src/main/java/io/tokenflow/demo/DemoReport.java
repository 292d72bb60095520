package io.tokenflow.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The demo's outputs: the table on stdout, the JSON report and the PNG chart. */
public final class DemoReport {
    private DemoReport() {}

    /** The report as ordered maps (the JSON document). */
    public static Map<String, Object> json(DemoRun.Result r) {
        DemoRun.Settings s = r.settings();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", r.scenario().name());
        root.put("seed", s.sim().seed());
        root.put("windowSeconds", s.sim().windowSeconds());
        root.put("stepSeconds", s.sim().stepSeconds());
        root.put("queueBoundSeconds", s.sim().queueSeconds());
        Map<String, Object> drop = new LinkedHashMap<>();
        drop.put("node", s.dropNode());
        drop.put("class", s.dropClass());
        drop.put("atSecond", r.dropStep() * s.sim().stepSeconds());
        drop.put("fromTokensPerSecond", r.capacityBefore());
        drop.put("toTokensPerSecond", r.capacityAfter());
        drop.put("marketVersionBefore", r.versionBefore());
        drop.put("marketVersionAfter", r.versionAfter());
        List<Map<String, Object>> moves = new ArrayList<>();
        for (DemoRun.PriceMove m : r.priceMoves()) {
            Map<String, Object> mv = new LinkedHashMap<>();
            mv.put("origin", m.origin());
            mv.put("priceBefore", m.before());
            mv.put("priceAfter", m.after());
            mv.put("servedViaBefore", m.servedViaBefore());
            mv.put("servedViaAfter", m.servedViaAfter());
            moves.add(mv);
        }
        drop.put("prices", moves);
        root.put("capacityDrop", drop);
        root.put("lpOptimumPerHour", r.lpOptimumPerHour());
        root.put("lpOptimumBeforeDropPerHour", r.lpBeforePerHour());
        root.put("lpOptimumAfterDropPerHour", r.lpAfterPerHour());
        root.put("unservedPenaltyPerMTokens", s.unservedPenaltyPerMTokens());
        List<Map<String, Object>> strategies = new ArrayList<>();
        double halfBefore = r.dropStep() * s.sim().stepSeconds();
        double halfAfter = s.sim().windowSeconds() - halfBefore;
        for (Simulator.Outcome o : r.outcomes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            double costPerHour = r.perHour(o.cost);
            double penaltyPerHour = r.perHour(o.rejectedTokens / 1e6 * s.unservedPenaltyPerMTokens());
            m.put("name", o.name);
            m.put("costPerHour", costPerHour);
            m.put("costToLpOptimum", costPerHour / r.lpOptimumPerHour());
            m.put("servedWithinLatencyShare", o.requestedTokens == 0 ? 0 : o.withinLatencyTokens / o.requestedTokens);
            m.put("overloadedSites", List.copyOf(o.overloadedSites));
            m.put("overloadedSiteClasses", List.copyOf(o.overloadedSiteClasses));
            m.put("rejectedTokens", o.rejectedTokens);
            m.put("rejectedShare", o.requestedTokens == 0 ? 0 : o.rejectedTokens / o.requestedTokens);
            m.put("requestedTokens", o.requestedTokens);
            m.put("requestedToMeanDemand", o.requestedTokens
                    / (r.scenario().totalDemandTokensPerSecond() * s.sim().windowSeconds()));
            m.put("unroutedTokens", o.unroutedTokens);
            m.put("rejectedPenaltyPerHour", penaltyPerHour);
            m.put("costPerHourWithPenalty", costPerHour + penaltyPerHour);
            m.put("costPerHourBeforeDrop", halfBefore > 0 ? o.costBefore * 3600 / halfBefore : 0);
            m.put("costPerHourAfterDrop", halfAfter > 0 ? o.costAfter * 3600 / halfAfter : 0);
            m.put("maxQueueSeconds", o.maxQueueSeconds);
            m.put("queuedTokensAtEnd", o.queuedAtEnd);
            m.put("overloadedLinks", List.copyOf(o.overloadedLinks));
            m.put("dropClassRouteShares", shares(o));
            strategies.add(m);
        }
        root.put("strategies", strategies);
        return root;
    }

    /** half → origin → site → share of the origin's routed tokens of the drop class. */
    private static Map<String, Object> shares(Simulator.Outcome o) {
        Map<String, Object> out = new LinkedHashMap<>();
        String[] halves = {"beforeDrop", "afterDrop"};
        for (int h = 0; h < 2; h++) {
            Map<String, Object> perOrigin = new LinkedHashMap<>();
            o.dropClassShares.get(h).forEach((origin, sites) -> {
                double total = sites.values().stream().mapToDouble(Double::doubleValue).sum();
                Map<String, Double> row = new LinkedHashMap<>();
                sites.forEach((site, tokens) -> row.put(site, Math.round(tokens / total * 1000) / 1000.0));
                perOrigin.put(origin, row);
            });
            out.put(halves[h], perOrigin);
        }
        return out;
    }

    public static void writeJson(Map<String, Object> report, Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, mapper.writeValueAsString(report) + "\n");
    }

    @SuppressWarnings("unchecked")
    public static void printTable(DemoRun.Result r, Map<String, Object> report, PrintWriter out) {
        out.printf("%nscenario %s, %.0f s window in %.0f s steps, seed %d; %s %s capacity %,.0f -> %,.0f tok/s at t=%.0f s"
                        + " (market version %d -> %d)%n",
                r.scenario().name(), r.settings().sim().windowSeconds(), r.settings().sim().stepSeconds(),
                r.settings().sim().seed(), r.settings().dropNode(), r.settings().dropClass(), r.capacityBefore(),
                r.capacityAfter(), r.dropStep() * r.settings().sim().stepSeconds(), r.versionBefore(), r.versionAfter());
        out.printf("%n%s prices, $/M tokens, before -> after the drop:%n", r.settings().dropClass());
        for (DemoRun.PriceMove m : r.priceMoves()) {
            out.printf("  %-16s %10.4f -> %10.4f   via %s  ->  %s%n", m.origin(), m.before(), m.after(),
                    m.servedViaBefore(), m.servedViaAfter());
        }
        out.printf("%n%s route shares of the oracle strategy (share of each origin's tokens per site):%n",
                r.settings().dropClass());
        Map<String, Object> oracleShares = null;
        for (Map<String, Object> s : (List<Map<String, Object>>) report.get("strategies")) {
            if (s.get("name").equals("oracle")) {
                oracleShares = (Map<String, Object>) s.get("dropClassRouteShares");
            }
        }
        if (oracleShares != null) {
            Map<String, Object> b = (Map<String, Object>) oracleShares.get("beforeDrop");
            Map<String, Object> a = (Map<String, Object>) oracleShares.get("afterDrop");
            for (String origin : b.keySet()) {
                out.printf("  %-16s before %s%n  %-16s after  %s%n", origin, b.get(origin), "", a.get(origin));
            }
        }
        out.printf("%nLP optimum for the same demand: $%,.2f/hr (time-weighted: $%,.2f/hr before the drop, $%,.2f/hr after)%n%n",
                r.lpOptimumPerHour(), r.lpBeforePerHour(), r.lpAfterPerHour());
        out.printf("%-16s %14s %9s %15s %14s %12s %18s  %s%n", "strategy", "cost $/hr", "x LP", "within latency",
                "rejected tok", "rejected %", "+ penalty $/hr", "overloaded sites");
        for (Map<String, Object> s : (List<Map<String, Object>>) report.get("strategies")) {
            out.printf("%-16s %,14.2f %9.4f %14.2f%% %,14.0f %11.2f%% %,18.2f  %s%n", s.get("name"),
                    (double) s.get("costPerHour"), (double) s.get("costToLpOptimum"),
                    100 * (double) s.get("servedWithinLatencyShare"), (double) s.get("rejectedTokens"),
                    100 * (double) s.get("rejectedShare"), (double) s.get("costPerHourWithPenalty"),
                    ((List<?>) s.get("overloadedSiteClasses")).isEmpty() ? "none" : s.get("overloadedSiteClasses"));
        }
        for (Map<String, Object> s : (List<Map<String, Object>>) report.get("strategies")) {
            if (!((List<?>) s.get("overloadedLinks")).isEmpty()) {
                out.printf("%s loads links over their capacity on average: %s%n", s.get("name"), s.get("overloadedLinks"));
            }
        }
        out.printf("(cost = served tokens only; \"+ penalty\" adds $%.0f per rejected M tokens, the oracle's unserved penalty)%n",
                r.settings().unservedPenaltyPerMTokens());
    }

    public static void writeChart(DemoRun.Result r, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(560)
                .title("Router demo: " + r.scenario().name() + ", cost per step ($/hr equivalent)")
                .xAxisTitle("simulated time (s)").yAxisTitle("$/hr").build();
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisLogarithmic(false);
        double dt = r.settings().sim().stepSeconds();
        int steps = r.settings().sim().steps();
        double[] x = new double[steps];
        for (int t = 0; t < steps; t++) {
            x[t] = (t + 1) * dt;
        }
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        Color[] colors = {new Color(0xE0, 0x7B, 0x00), new Color(0x70, 0x70, 0x70), new Color(0x1F, 0x5F, 0xBF)};
        int c = 0;
        for (Simulator.Outcome o : r.outcomes()) {
            double[] y = new double[steps];
            for (int t = 0; t < steps; t++) {
                y[t] = o.costPerStep[t] * 3600 / dt;
                yMin = Math.min(yMin, y[t]);
                yMax = Math.max(yMax, y[t]);
            }
            XYSeries series = chart.addSeries(o.name, x, y);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(colors[c++ % colors.length]);
        }
        double[] lpY = new double[steps];
        for (int t = 0; t < steps; t++) {
            lpY[t] = t < r.dropStep() ? r.lpBeforePerHour() : r.lpAfterPerHour();
        }
        yMin = Math.min(yMin, Math.min(r.lpBeforePerHour(), r.lpAfterPerHour()));
        yMax = Math.max(yMax, Math.max(r.lpBeforePerHour(), r.lpAfterPerHour()));
        XYSeries lp = chart.addSeries("LP optimum", x, lpY);
        lp.setMarker(SeriesMarkers.NONE);
        lp.setLineColor(Color.BLACK);
        lp.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        double dropX = r.dropStep() * dt + dt / 2;
        XYSeries mark = chart.addSeries(String.format("capacity drop: %s %s %,.0f -> %,.0f tok/s", r.settings().dropNode(),
                r.settings().dropClass(), r.capacityBefore(), r.capacityAfter()), new double[] {dropX, dropX},
                new double[] {yMin * 0.95, yMax * 1.02});
        mark.setMarker(SeriesMarkers.NONE);
        mark.setLineColor(Color.RED);
        mark.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {3, 3}, 0));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String name = file.toString();
        String base = name.toLowerCase().endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
