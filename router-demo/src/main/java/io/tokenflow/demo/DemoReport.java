package io.tokenflow.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's outputs: the table on stdout and the JSON report (the chart is {@link DemoChart}). Every
 * strategy is set against the LP like with like: its served cost against the LP's served cost, the
 * tokens it did not serve against the tokens the LP sheds, its cost with penalty against the LP's
 * objective, all over the same window.
 */
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
        root.put("unservedPenaltyPerMTokens", s.unservedPenaltyPerMTokens());
        root.put("demandReportSeconds", s.demandReportSeconds());
        root.put("demandReports", r.demandReports());
        Map<String, Object> decisions = new LinkedHashMap<>();
        r.oracleDecisions().forEach((d, n) -> decisions.put(d.name(), n));
        root.put("oracleRequestsByRule", decisions);
        double mean = r.scenario().totalDemandTokensPerSecond() * s.sim().windowSeconds();
        double requested = r.outcomes().isEmpty() ? 0 : r.outcomes().get(0).requestedTokens;
        root.put("requestedTokens", requested);
        root.put("requestedToMeanDemand", mean == 0 ? 0 : requested / mean);
        if (s.drop().isPresent() && r.dropStep() < s.sim().steps()) {
            Map<String, Object> drop = new LinkedHashMap<>();
            drop.put("node", s.drop().get().node());
            drop.put("class", s.drop().get().classId());
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
        }
        root.put("traceDemandByClass", traceDemand(r));
        Map<String, Object> lp = new LinkedHashMap<>();
        lp.put("atTraceDemand", lp(r, r.lpAtTraceDemand()));
        lp.put("atMeanDemand", lp(r, r.lpAtMeanDemand()));
        root.put("lpOptimum", lp);
        Map<String, Object> backlog = new LinkedHashMap<>();
        backlog.put("tokens", r.expectedBacklog().values().stream().mapToDouble(Double::doubleValue).sum());
        backlog.put("bySite", r.expectedBacklog());
        root.put("expectedBacklogAtFullSites", backlog);
        List<Map<String, Object>> strategies = new ArrayList<>();
        for (Outcome o : r.outcomes()) {
            strategies.add(strategy(r, o));
        }
        root.put("strategies", strategies);
        return root;
    }

    /** half → class → tokens the trace requested and tokens the mean demand would have, over the half. */
    private static Map<String, Object> traceDemand(DemoRun.Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        String[] names = {"beforeDrop", "afterDrop"};
        for (int h = 0; h < 2; h++) {
            double seconds = r.lpAtTraceDemand().halves().get(h).seconds();
            if (seconds <= 0) {
                continue;
            }
            Map<String, Object> byClass = new LinkedHashMap<>();
            for (io.tokenflow.market.model.WorkloadClass k : r.scenario().classes()) {
                double requested = r.replay().requestedByHalf().get(h).entrySet().stream()
                        .filter(e -> e.getKey().classId().equals(k.id())).mapToDouble(Map.Entry::getValue).sum();
                double mean = r.scenario().demand().stream().filter(d -> d.classId().equals(k.id()))
                        .mapToDouble(d -> d.tokensPerSecond() * seconds).sum();
                byClass.put(k.id(), Map.of("requestedTokens", requested, "meanDemandTokens", mean));
            }
            out.put(names[h], byClass);
        }
        return out;
    }

    private static Map<String, Object> lp(DemoRun.Result r, LpWindow w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("servedCostPerHour", r.perHour(w.servedCost()));
        m.put("shedTokens", w.shedTokens());
        m.put("objectivePerHour", r.perHour(w.objective()));
        String[] names = {"beforeDrop", "afterDrop"};
        for (int h = 0; h < 2; h++) {
            LpWindow.Half half = w.halves().get(h);
            if (half.seconds() > 0) {
                Map<String, Object> hm = new LinkedHashMap<>();
                hm.put("seconds", half.seconds());
                hm.put("servedCostPerHour", half.servedCostPerHour());
                hm.put("shedTokensPerSecond", half.shedTokensPerSecond());
                hm.put("objectivePerHour", half.objectivePerHour());
                m.put(names[h], hm);
            }
        }
        return m;
    }

    private static Map<String, Object> strategy(DemoRun.Result r, Outcome o) {
        LpWindow lp = r.lpAtTraceDemand();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.name);
        m.put("servedCostPerHour", r.perHour(o.servedCost));
        m.put("servedCostToLpServedCost", lp.servedCost() == 0 ? 0 : o.servedCost / lp.servedCost());
        m.put("servedTokens", o.servedTokens);
        m.put("unservedTokens", o.unservedTokens());
        m.put("unservedToLpShed", lp.shedTokens() == 0 ? 0 : o.unservedTokens() / lp.shedTokens());
        m.put("rejectedTokens", o.rejectedTokens);
        m.put("shedTokens", o.shedTokens);
        m.put("unroutedTokens", o.unroutedTokens);
        m.put("queuedTokensAtEnd", o.queuedAtEnd);
        m.put("queuedTokensAtEndBySite", o.queuedAtEndBySite);
        m.put("queuedTokensAtEndAtFullSites", r.queuedAtFullSites(o));
        m.put("unservedPenaltyPerHour", r.perHour(o.penalty));
        m.put("costPerHourWithPenalty", r.perHour(o.costWithPenalty()));
        m.put("costToLpOptimum", r.toLp(o));
        m.put("costToLpAtMeanDemand", o.costWithPenalty() / r.lpAtMeanDemand().objective());
        // a diagnostic, not the comparison: the ratio without the penalty of the end-of-window backlog (the
        // queueing the fluid LP has none of), to tell it from the rest
        m.put("costToLpOptimumBacklogAside", (o.costWithPenalty() - r.penaltyOfBacklog(o)) / lp.objective());
        m.put("servedWithinLatencyShare", o.servedTokens == 0 ? 0 : o.servedWithinLatencyTokens / o.servedTokens);
        m.put("overloadedSites", List.copyOf(o.overloadedSites));
        m.put("overloadedSiteClasses", List.copyOf(o.overloadedSiteClasses));
        m.put("overloadedLinks", List.copyOf(o.overloadedLinks));
        m.put("maxQueueSeconds", o.maxQueueSeconds);
        m.put("requestedTokens", o.requestedTokens);
        String[] names = {"BeforeDrop", "AfterDrop"};
        for (int h = 0; h < 2; h++) {
            LpWindow.Half half = lp.halves().get(h);
            if (half.seconds() > 0) {
                double perHour = o.costWithPenaltyByHalf[h] * 3600 / half.seconds();
                m.put("costPerHourWithPenalty" + names[h], perHour);
                m.put("costToLpOptimum" + names[h], perHour / half.objectivePerHour());
            }
        }
        m.put("dropClassRouteShares", shares(o));
        return m;
    }

    /** half → origin → site (or "(shed)") → share of the origin's tokens of the drop class. */
    private static Map<String, Object> shares(Outcome o) {
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
        DemoRun.Settings s = r.settings();
        out.printf("%nscenario %s, %.0f s window in %.0f s steps, seed %d", r.scenario().name(),
                s.sim().windowSeconds(), s.sim().stepSeconds(), s.sim().seed());
        if (r.demandReports() > 0) {
            out.printf("; the router reported the demand it had seen every %.0f s (%d UpdateDemand calls)",
                    s.demandReportSeconds(), r.demandReports());
        }
        boolean dropped = report.containsKey("capacityDrop");
        if (dropped) {
            out.printf("; %s %s capacity %,.0f -> %,.0f tok/s at t=%.0f s (market version %d -> %d)%n",
                    s.drop().get().node(), s.drop().get().classId(), r.capacityBefore(), r.capacityAfter(),
                    r.dropStep() * s.sim().stepSeconds(), r.versionBefore(), r.versionAfter());
            out.printf("%n%s prices, $/M tokens, before -> after the drop:%n", s.drop().get().classId());
            for (DemoRun.PriceMove m : r.priceMoves()) {
                out.printf("  %-16s %10.4f -> %10.4f   via %s  ->  %s%n", m.origin(), m.before(), m.after(),
                        m.servedViaBefore(), m.servedViaAfter());
            }
            out.printf("%n%s route shares of the oracle strategy (share of each origin's tokens per site):%n",
                    s.drop().get().classId());
            for (Map<String, Object> st : (List<Map<String, Object>>) report.get("strategies")) {
                if (st.get("name").equals("oracle")) {
                    Map<String, Object> shares = (Map<String, Object>) st.get("dropClassRouteShares");
                    Map<String, Object> b = (Map<String, Object>) shares.get("beforeDrop");
                    Map<String, Object> a = (Map<String, Object>) shares.get("afterDrop");
                    for (String origin : b.keySet()) {
                        out.printf("  %-16s before %s%n  %-16s after  %s%n", origin, b.get(origin), "", a.get(origin));
                    }
                }
            }
        } else {
            out.printf("; no capacity drop%n");
        }
        Map<String, Object> mean = (Map<String, Object>) ((Map<String, Object>) report.get("lpOptimum")).get("atMeanDemand");
        out.printf("%nrequested %,.0f tokens (%.4f of the mean demand); LP optimum at the mean demand: served cost"
                        + " $%,.2f/hr, shed %,.0f tokens, objective $%,.2f/hr%n", (double) report.get("requestedTokens"),
                (double) report.get("requestedToMeanDemand"), (double) mean.get("servedCostPerHour"),
                (double) mean.get("shedTokens"), (double) mean.get("objectivePerHour"));
        out.printf("%n%-16s %15s %9s %15s %15s %18s %9s %10s  %s%n", "strategy", "served $/hr", "x LP",
                "unserved tok", "of it queued", "with penalty $/hr", "x LP", "latency", "overloaded sites");
        Map<String, Object> lp = (Map<String, Object>) ((Map<String, Object>) report.get("lpOptimum")).get("atTraceDemand");
        out.printf("%-16s %,15.2f %9.4f %,15.0f %15s %,18.2f %9.4f %10s  %s%n", "LP optimum",
                (double) lp.get("servedCostPerHour"), 1.0, (double) lp.get("shedTokens"), "", (double) lp.get("objectivePerHour"),
                1.0, "", "(at the demand the trace drew)");
        for (Map<String, Object> st : (List<Map<String, Object>>) report.get("strategies")) {
            out.printf("%-16s %,15.2f %9.4f %,15.0f %,15.0f %,18.2f %9.4f %9.2f%%  %s%n", st.get("name"),
                    (double) st.get("servedCostPerHour"), (double) st.get("servedCostToLpServedCost"),
                    (double) st.get("unservedTokens"), (double) st.get("queuedTokensAtEnd"),
                    (double) st.get("costPerHourWithPenalty"), (double) st.get("costToLpOptimum"),
                    100 * (double) st.get("servedWithinLatencyShare"),
                    ((List<?>) st.get("overloadedSiteClasses")).isEmpty() ? "none" : st.get("overloadedSiteClasses"));
        }
        for (Map<String, Object> st : (List<Map<String, Object>>) report.get("strategies")) {
            if (!((List<?>) st.get("overloadedLinks")).isEmpty()) {
                out.printf("%s loads links over their capacity on average: %s%n", st.get("name"), st.get("overloadedLinks"));
            }
        }
        for (Map<String, Object> st : (List<Map<String, Object>>) report.get("strategies")) {
            if (st.get("name").equals("oracle")) {
                out.printf("oracle: %,.0f tokens still queued at the end, %,.0f of them at the %d sites the LP loads to"
                                + " capacity (where a queue loaded to exactly 100 %% holds %,.0f on average); without their"
                                + " penalty it would be at %.4f x LP. It shed %,.0f tokens; the LP sheds %,.0f at the"
                                + " trace's demand, %,.0f at the mean demand.%n",
                        (double) st.get("queuedTokensAtEnd"), (double) st.get("queuedTokensAtEndAtFullSites"),
                        r.expectedBacklog().size(),
                        (double) ((Map<String, Object>) report.get("expectedBacklogAtFullSites")).get("tokens"),
                        (double) st.get("costToLpOptimumBacklogAside"), (double) st.get("shedTokens"),
                        r.lpAtTraceDemand().shedTokens(), r.lpAtMeanDemand().shedTokens());
                out.printf("oracle requests by rule: %s%n", report.get("oracleRequestsByRule"));
            }
        }
        out.printf("(unserved = rejected + shed + unrouted + queued at the end of the window, each at the class's"
                + " penalty, $%.0f/M tokens by default, as the LP's objective prices what it sheds; latency = share of"
                + " the served tokens over links within the class's limit)%n", s.unservedPenaltyPerMTokens());
    }
}
