package io.tokenflow.market.analysis;

import static io.tokenflow.market.analysis.ReproductionPage.format;
import static io.tokenflow.market.analysis.ReproductionPage.money;
import static io.tokenflow.market.analysis.ReproductionPage.money2;

import io.tokenflow.market.analysis.ReproductionPage.Match;
import io.tokenflow.market.analysis.ReproductionPage.Row;
import io.tokenflow.market.clearing.ClassNetwork;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.ServingAnalysis;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.DeliverySite;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.PathFlow;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.market.solution.Settlement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;

/**
 * Re-runs the paper's case studies (Liu, arXiv:2605.09047, §4) on the embedded scenarios and
 * writes a markdown page that sets every published number beside ours, with the reason for each
 * difference. The page in docs/ is this class's output, not typed by hand; a test keeps them equal.
 */
public final class PaperReproduction {
    /** The command that writes the page; printed at its top. */
    public static final String COMMAND = "./tokenflow paper-reproduction --out docs/paper-reproduction.md";

    private final SolverKind solver;
    private final MarketIndicators indicators = MarketIndicators.defaults();
    private final List<Row> rows = new ArrayList<>();

    private PaperReproduction(SolverKind solver) {
        this.solver = solver;
    }

    /** The whole page. */
    public static String markdown(SolverKind solver) {
        return new PaperReproduction(solver).build();
    }

    private ClearingResult clear(String scenario, ScenarioOptions options) {
        return MarketClearing.clearOnce(EmbeddedScenarios.get(scenario, options), solver);
    }

    private String build() {
        ScenarioOptions base = ScenarioOptions.defaults();
        ClearingResult baseline = clear("five-node", base);
        ClearingResult transfer = clear("five-node", base.withBandwidthModel(BandwidthModel.TRANSFER_AWARE));
        ScenarioOptions tight = base.withMaxLatency("chat", 15).withMaxLatency("code", 20);
        ClearingResult latency = clear("five-node", tight);
        ScenarioOptions tightEndToEnd = tight.withLatencyScope(LatencyScope.END_TO_END);
        ClearingResult latencyEndToEnd = clear("five-node", tightEndToEnd);
        ClearingResult scale40 = clear("five-node", base.withScale(40));
        ClearingResult opex = clear("five-node", base.withOpexAdder());
        ClearingResult twenty = clear("twenty-node", base);
        ClearingResult twenty40 = clear("twenty-node", base.withScale(40));
        List<Double> scales = DoubleStream.iterate(1, s -> s <= 45, s -> s + 1).boxed().toList();
        List<DemandSweep.Point> sweep = DemandSweep.run(s -> EmbeddedScenarios.get("five-node", base.withScale(s)),
                scales, solver);

        baselineRows(baseline);
        variantRows(baseline, transfer, latency, scale40, opex);
        endToEndRows(latency, latencyEndToEnd, EmbeddedScenarios.get("five-node", tight),
                EmbeddedScenarios.get("five-node", tightEndToEnd));
        sweepRows(sweep, baseline, scale40);
        twentyNodeRows(twenty, twenty40);
        return ReproductionPage.write(solver, indicators, rows, baseline, sweep, twenty, twenty40);
    }

    private void baselineRows(ClearingResult r) {
        double demand = r.processing().stream().mapToDouble(ProcessingLevel::tokensPerSecond).sum() / 1e6;
        price("35x aggregate demand (M tok/s)", 16.29, demand, 2, "");
        cost("35x baseline cost ($/hr)", 123_635, r.objectivePerHour().getAsDouble(), 0, "");
        table3(r, "ashburn", "chat", 0.078, 0.078, 0, 3);
        table3(r, "dallas", "chat", 0.078, 0.072, 0.006, 3);
        table3(r, "dallas", "image", 41.50, 36.00, 5.50, 2);
        table3(r, "seattle", "image", 41.47, 26.00, 15.47, 2);
        table3(r, "seattle", "batch", 0.694, 0.520, 0.174, 3);
        price("Silicon Valley chat price (§4.1)", 0.083, r.price("silicon-valley", "chat").price(), 3, "");
        price("mean chat price (Table 4)", 0.0748, r.meanPrice("chat"), 4, "unweighted mean over the 5 nodes");
        price("mean image price (Table 4)", 41.90, r.meanPrice("image"), 2,
                "ours is 41.8948: the paper's 41.90 rounds up what the re-solve's 41.89 rounds down");
        List<LinkState> congested = MarketIndicators.congestedLinks(r);
        count("congested links (Table 4)", 1, congested.size(), links(congested));
        price("congestion rent silicon-valley->seattle ($/M tok)", 0.026,
                r.link("silicon-valley", "seattle").congestionRent(), 3, "");
        Settlement s = r.settlement().orElseThrow();
        cost("settlement: user payments ($/hr)", 139_446, s.userPaymentsPerHour(), 0, "");
        rows.add(new Row("settlement: compute revenue ($/hr)", "137,613", money(s.computeRevenuePerHour()),
                Match.DIFFERENT, "the paper's network and surplus lines split $1,839 differently, see below"));
        rows.add(new Row("settlement: network revenue ($/hr)", "1,784", money(s.networkRevenuePerHour()),
                Match.DIFFERENT, "ours = tariff " + money(s.networkRevenuePerHour() - rentRevenue(r)) + " + rent "
                        + money(rentRevenue(r)) + "; the paper's 1,784 + 49.71 ≈ ours"));
        rows.add(new Row("settlement: merchandising surplus ($/hr)", "49.71", money2(s.merchandisingSurplusPerHour()),
                Match.DIFFERENT, "with exact duals and no route cost, complementary slackness makes it 0"));
    }

    private double rentRevenue(ClearingResult r) {
        return r.links().stream().mapToDouble(l -> l.congestionRent() * l.tokensPerSecond() / 1e6 * 3600).sum();
    }

    private void variantRows(ClearingResult base, ClearingResult transfer, ClearingResult latency,
            ClearingResult scale40, ClearingResult opex) {
        cost("transfer-aware cost ($/hr)", 127_007, transfer.objectivePerHour().getAsDouble(), 0, "");
        List<LinkState> saturated = MarketIndicators.saturatedLinks(transfer);
        count("transfer-aware saturated links", 4, saturated.size(), links(saturated));
        price("transfer-aware mean chat price", 0.0770, transfer.meanPrice("chat"), 4,
                "differs: the protocol overhead in γ is not given (γ = a_k here); no weight vector found matches it");
        price("transfer-aware mean image price", 38.90, transfer.meanPrice("image"), 2, "as above");
        double sv = base.price("silicon-valley", "chat").price();
        double svTight = latency.price("silicon-valley", "chat").price();
        price("chat 15 ms + code 20 ms: Silicon Valley chat", 0.180, svTight, 3,
                String.format(Locale.ROOT, "+%.0f%% from %.3f (paper: +117%%)", 100 * (svTight / sv - 1), sv));
        double change = 100 * (latency.objectivePerHour().getAsDouble() / base.objectivePerHour().getAsDouble() - 1);
        rows.add(new Row("chat 15 ms + code 20 ms: cost change", "+0.29%",
                String.format(Locale.ROOT, "+%.3f%% (%s)", change, money(latency.objectivePerHour().getAsDouble())),
                Match.DIFFERENT, "the fitted weights give +0.396%; a second weight vector gets +0.29% but misses"
                        + " other numbers (Seattle batch 0.69, 3 saturated transfer-aware links)"));
        rows.add(new Row("40x cost ($/hr)", "not published; re-solve 147,317",
                money(scale40.objectivePerHour().getAsDouble()), Match.INFO, "independent re-solve's value"));
        price("40x mean image price", 89.2, scale40.meanPrice("image"), 1,
                "the paper's 89.2 is another optimal dual vertex (Dallas image 89 instead of 90 gives 89.19);"
                        + " with these inputs every price is unique, so ours is the value a correct LP must give");
        cost("uniform opex adder: cost ($/hr)", 163_140, opex.objectivePerHour().getAsDouble(), 0,
                "A = 39,505 / 9,003.75 $ per MW-hour of class capacity (derived)");
        price("uniform opex adder: mean chat price", 0.3186, opex.meanPrice("chat"), 4, "");
        price("uniform opex adder: mean image price", 47.99, opex.meanPrice("image"), 2, "");
        boolean sameDispatch = sameDispatch(base, opex);
        rows.add(new Row("uniform opex adder: dispatch unchanged", "yes", sameDispatch ? "yes" : "no",
                sameDispatch ? Match.SAME : Match.DIFFERENT, ""));
    }

    /**
     * The latency case again under END_TO_END (the oracle's default rule), beside the paper's PER_LINK: the
     * same optimum here, and which origin → site pairs each rule lets a router use.
     */
    private void endToEndRows(ClearingResult perLink, ClearingResult endToEnd, Scenario perLinkScenario,
            Scenario endToEndScenario) {
        double perLinkCost = perLink.objectivePerHour().getAsDouble();
        double endToEndCost = endToEnd.objectivePerHour().getAsDouble();
        rows.add(new Row("chat 15 ms + code 20 ms, END_TO_END: cost ($/hr)", "(PER_LINK only)",
                money2(endToEndCost), Match.INFO, Math.abs(endToEndCost - perLinkCost) <= 1e-6 * perLinkCost
                        ? "equal to our PER_LINK cost " + money2(perLinkCost)
                        : String.format(Locale.ROOT, "%+.3f%% against our PER_LINK cost %s",
                                100 * (endToEndCost / perLinkCost - 1), money2(perLinkCost))));
        double svTight = endToEnd.price("silicon-valley", "chat").price();
        price("chat 15 ms + code 20 ms, END_TO_END: Silicon Valley chat", 0.180, svTight, 3,
                "the paper's is PER_LINK; ours END_TO_END, decomposed along "
                        + String.join(" -> ", endToEnd.price("silicon-valley", "chat").path()) + " (PER_LINK: "
                        + String.join(" -> ", perLink.price("silicon-valley", "chat").path()) + "), both at π");
        long samePrices = 0;
        for (int i = 0; i < perLink.prices().size(); i++) {
            samePrices += Math.abs(perLink.prices().get(i).price() - endToEnd.prices().get(i).price()) <= 1e-9 ? 1 : 0;
        }
        rows.add(new Row("chat 15 ms + code 20 ms, END_TO_END: prices equal to PER_LINK", "—",
                samePrices + " of " + perLink.prices().size(), Match.INFO, ""));
        double longest = perLink.pathFlows().stream().filter(f -> !f.classId().equals("image") && !f.classId().equals("batch"))
                .mapToDouble(PathFlow::latencyMs).max().orElse(0);
        rows.add(new Row("chat 15 ms + code 20 ms, PER_LINK: longest chat or code path it uses (ms)", "—",
                format(longest, 2), Match.INFO, "one link each, within both limits: END_TO_END-feasible as it is"));
        int[] perLinkPairs = reachablePairs(perLinkScenario, perLink);
        int[] endToEndPairs = reachablePairs(endToEndScenario, endToEnd);
        rows.add(new Row("chat 15 ms + code 20 ms: origin -> site pairs a router may use (chat, code)", "—",
                "PER_LINK " + perLinkPairs[0] + ", " + perLinkPairs[1] + "; END_TO_END " + endToEndPairs[0] + ", "
                        + endToEndPairs[1], Match.INFO,
                longestOffered(perLinkScenario, perLink, "code")));
    }

    /** Per class (chat, code): Σ over origins of the sites FeasibleSites would list. */
    private static int[] reachablePairs(Scenario scenario, ClearingResult result) {
        ServingAnalysis analysis = new ServingAnalysis(scenario, result);
        int[] pairs = new int[2];
        String[] classes = {"chat", "code"};
        for (int c = 0; c < classes.length; c++) {
            ClassNetwork network = ClassNetwork.of(scenario, classes[c]);
            for (var node : scenario.nodes()) {
                pairs[c] += analysis.feasibleSites(network, node.id()).size();
            }
        }
        return pairs;
    }

    /** The longest path among the sites FeasibleSites would list for a class, said in words. */
    private static String longestOffered(Scenario scenario, ClearingResult result, String classId) {
        ServingAnalysis analysis = new ServingAnalysis(scenario, result);
        ClassNetwork network = ClassNetwork.of(scenario, classId);
        DeliverySite longest = scenario.nodes().stream().flatMap(n -> analysis.feasibleSites(network, n.id()).stream())
                .max(java.util.Comparator.comparingDouble(DeliverySite::latencyMs)).orElseThrow();
        return "PER_LINK offers " + classId + " paths such as " + String.join(" -> ", longest.path()) + " ("
                + format(longest.latencyMs(), 1) + " ms in all, each link within " + classId + "'s limit); END_TO_END"
                + " offers none beyond it";
    }

    /** Same processing at every node and class, to a micro-token per second. */
    private static boolean sameDispatch(ClearingResult a, ClearingResult b) {
        for (int i = 0; i < a.processing().size(); i++) {
            if (Math.abs(a.processing().get(i).tokensPerSecond() - b.processing().get(i).tokensPerSecond()) > 1e-6) {
                return false;
            }
        }
        return a.processing().size() == b.processing().size();
    }

    private void sweepRows(List<DemandSweep.Point> sweep, ClearingResult scale35, ClearingResult scale40) {
        double firstCongested = sweep.stream()
                .filter(p -> p.result().optimal() && !MarketIndicators.congestedLinks(p.result()).isEmpty())
                .mapToDouble(DemandSweep.Point::scale).findFirst().orElse(Double.NaN);
        rows.add(new Row("first congested link (§4.2)", "by 10x",
                String.format(Locale.ROOT, "at %.0fx", firstCongested),
                firstCongested <= 10 ? Match.SAME : Match.DIFFERENT, ""));
        int scarce35 = indicators.scarcePairs(scale35).size();
        int scarce40 = indicators.scarcePairs(scale40).size();
        rows.add(new Row("scarce node-class pairs 35x -> 40x", "4 -> 5", scarce35 + " -> " + scarce40,
                scarce35 == 4 && scarce40 == 5 ? Match.SAME : Match.DIFFERENT,
                String.format(Locale.ROOT, "counting mu >= %.2f $/M tok; counting mu > 0 gives %d -> %d",
                        indicators.scarcityThreshold(), countPositive(scale35), countPositive(scale40))));
    }

    private static long countPositive(ClearingResult r) {
        return r.processing().stream().filter(p -> p.scarcityRent() > 0).count();
    }

    private void twentyNodeRows(ClearingResult twenty, ClearingResult twenty40) {
        double demand = twenty.processing().stream().mapToDouble(ProcessingLevel::tokensPerSecond).sum() / 1e6;
        price("20-node 35x aggregate demand (M tok/s)", 43.89, demand, 2, "weights sum to 13.2 by construction");
        rows.add(new Row("20-node 35x cost ($/hr)", "353,702", money(twenty.objectivePerHour().getAsDouble()),
                Match.DIFFERENT, "the paper's 15 other hubs, their MW and weights are unpublished; ours are made up"));
        rows.add(new Row("20-node 35x scarce pairs", "28", Integer.toString(indicators.scarcePairs(twenty).size()),
                Match.DIFFERENT, "as above"));
        rows.add(new Row("20-node status at 35x / 40x", "feasible / infeasible",
                twenty.status().name().toLowerCase(Locale.ROOT) + " / " + twenty40.status().name().toLowerCase(Locale.ROOT),
                twenty.optimal() && !twenty40.optimal() ? Match.SAME : Match.DIFFERENT,
                twenty40.diagnosis().map(d -> "diagnosis: " + d.shortfalls().stream()
                        .map(s -> s.classId() + " short " + money(s.shortfallTokensPerSecond()) + " of "
                                + money(s.demandTokensPerSecond()) + " tok/s")
                        .collect(Collectors.joining("; "))).orElse("")));
    }

    private void cost(String quantity, double paper, double ours, int decimals, String note) {
        double relative = Math.abs(ours / paper - 1);
        Match match = relative <= 1e-4 ? Match.SAME : relative <= 1e-2 ? Match.CLOSE : Match.DIFFERENT;
        rows.add(new Row(quantity, format(paper, decimals), format(ours, 2),
                match, (note.isEmpty() ? "" : note + "; ") + String.format(Locale.ROOT, "%.4f%% off", 100 * relative)));
    }

    private void price(String quantity, double paper, double ours, int decimals, String note) {
        boolean same = format(paper, decimals).equals(format(ours, decimals));
        rows.add(new Row(quantity, format(paper, decimals), format(ours, Math.max(decimals + 1, 4)),
                same ? Match.SAME : Match.DIFFERENT, note));
    }

    private void count(String quantity, int paper, int ours, String note) {
        rows.add(new Row(quantity, Integer.toString(paper), Integer.toString(ours),
                paper == ours ? Match.SAME : Match.DIFFERENT, note));
    }

    private void table3(ClearingResult r, String node, String cls, double lmp, double energy, double scarcity,
            int decimals) {
        NodePrice p = r.price(node, cls);
        boolean same = format(lmp, decimals).equals(format(p.price(), decimals))
                && format(energy, decimals).equals(format(p.energy(), decimals))
                && format(scarcity, decimals).equals(format(p.scarcity(), decimals));
        rows.add(new Row("Table 3: " + node + " " + cls + " (LMP = energy + scarcity)",
                format(lmp, decimals) + " = " + format(energy, decimals) + " + " + format(scarcity, decimals),
                format(p.price(), decimals + 1) + " = " + format(p.energy(), decimals + 1) + " + "
                        + format(p.scarcity(), decimals + 1),
                same ? Match.SAME : Match.DIFFERENT, "served at " + p.servingNode().orElse("-")));
    }

    private static String links(List<LinkState> links) {
        return links.stream()
                .map(l -> l.from() + "->" + l.to() + (l.congestionRent() > 0
                        ? String.format(Locale.ROOT, " (rent %.4f)", l.congestionRent()) : ""))
                .collect(Collectors.joining(", "));
    }
}
