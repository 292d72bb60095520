package io.tokenflow.market.analysis;

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

    private enum Match { SAME, CLOSE, DIFFERENT, INFO }

    private record Row(String quantity, String paper, String ours, Match match, String note) {}

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
        return render(baseline, sweep, twenty, twenty40);
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

    private static String format(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    private static String money(double v) {
        return format(v, 0);
    }

    private static String money2(double v) {
        return format(Math.abs(v) < 0.005 ? 0 : v, 2);
    }

    private String render(ClearingResult baseline, List<DemandSweep.Point> sweep, ClearingResult twenty,
            ClearingResult twenty40) {
        StringBuilder md = new StringBuilder();
        md.append("# The paper's case studies, reproduced\n\n")
                .append("<!-- generated by `").append(COMMAND).append("`; do not edit by hand -->\n\n")
                .append("Generated by `").append(COMMAND).append("` (solver: ").append(solver).append(").\n")
                .append("Paper: Shaohui Liu, *Locational Pricing for Generative-AI Services via Token-Flow Market")
                .append(" Clearing*, arXiv:2605.09047. ")
                .append("Inputs: the embedded `five-node` scenario (the paper's Table 1 sites, the 14-arc network and")
                .append(" fitted demand weights, documented in")
                .append(" `engine/src/main/resources/io/tokenflow/market/scenarios/five-node-hubs.csv`) and")
                .append(" `twenty-node` (the five sites plus 15 real metros with made-up MW and weights).")
                .append(" Latency limits are read **per link**, as the paper does (f_ij,k = 0 when τ_ij > L_k; both")
                .append(" scenarios say `\"latencyScope\": \"PER_LINK\"`), in every row and figure below except the")
                .append(" rows marked END_TO_END, the oracle's default rule (a path's summed latency within the limit).\n\n")
                .append("Match: **same** = equal at the paper's printed precision (costs within 0.01 %); ")
                .append("**close** = within 1 %; **differs** = a known difference, explained in the note; ")
                .append("**info** = the paper gives no number.\n\n")
                .append("| quantity | paper | ours | match | note |\n|---|---|---|---|---|\n");
        for (Row row : rows) {
            md.append("| ").append(row.quantity()).append(" | ").append(row.paper()).append(" | ").append(row.ours())
                    .append(" | ").append(switch (row.match()) {
                        case SAME -> "same";
                        case CLOSE -> "close";
                        case DIFFERENT -> "**differs**";
                        case INFO -> "info";
                    }).append(" | ").append(row.note()).append(" |\n");
        }
        md.append("\n## Why the differences\n\n")
                .append("- **Demand weights are fitted.** The paper derives demand from state population weights it does")
                .append(" not publish; plain population weights contradict its Table 3. The embedded weights are a")
                .append(" best fit to its cost, Table 3 prices, congested link and user payments; no weight vector")
                .append(" found matches every number at once, so")
                .append(" at least one detail of the original artifact differs (coordinates, γ overhead, arc rule).\n")
                .append("- **Settlement surplus.** Users pay π·d, compute earns (g + μ)·x and the network earns")
                .append(" (tariff + rent) on carried traffic. With exact duals and no route cost, complementary")
                .append(" slackness makes these balance to the cent, so our surplus is 0. The paper's $49.71 plus its")
                .append(" $1,784 network revenue is about our network revenue; it needs a route cost nobody is paid")
                .append(" or another network-payment formula, which the paper does not state.\n")
                .append("- **Latency experiment cost.** The Silicon Valley chat price (0.083 -> 0.180) is reproduced;")
                .append(" the cost change is +0.40 % against the paper's +0.29 % with these weights.\n")
                .append("- **The latency case end to end.** Under END_TO_END (every path's summed latency within the")
                .append(" class's limit, not each link's) the 15/20 ms case clears to the same cost and the same 20")
                .append(" prices as PER_LINK. The rules differ only on paths of two or more links, and the PER_LINK")
                .append(" optimum uses none for chat or code: every chat and code origin is served locally or one")
                .append(" link away (at most 16.7 ms), which is feasible under both rules, so it is optimal under")
                .append(" both. What changes is what a router may be offered: PER_LINK lets code take paths of several")
                .append(" links beyond 20 ms in total (the row above names one), END_TO_END does not, so FeasibleSites")
                .append(" lists fewer sites. Silicon Valley's chat price, 0.180, is the same; its")
                .append(" eq. 9 path may differ because both paths price at exactly π (a degenerate tie).")
                .append(" On sparse networks the optimum itself moves: see `docs/engine.md`.\n")
                .append("- **Transfer-aware means.** Cost and the four saturated links are reproduced; the mean")
                .append(" prices differ because γ's protocol overhead is not given.\n")
                .append("- **40x image mean.** The paper's 89.2 is another optimal dual vertex of its own (degenerate)")
                .append(" LP; with the embedded inputs every 40x price is unique (its minimum and maximum over all")
                .append(" optimal dual solutions agree).\n")
                .append("- **20-node numbers.** Only the qualitative facts can be matched: 15 of the 20 hubs, all MW")
                .append(" and all weights are unpublished. Ours is feasible at 35x and infeasible at 40x for the same")
                .append(" reason as the paper's (aggregate image capacity).\n");

        md.append("\n## The paper's figures, drawn from our results\n\n")
                .append("Made by `bash docs/reports/make-reports.sh` (`tokenflow report`, `docs/reports.md`); each")
                .append(" report's `index.html` has every figure with its tables, and SVG versions.\n\n")
                .append("| paper | ours | latency rule |\n|---|---|---|\n")
                .append("| Figure 1: 20-node dispatch map at 35x | [dispatch map](reports/twenty-node/dispatch-map.png)")
                .append(" of `reports/twenty-node/` | PER_LINK (the paper's) |\n")
                .append("| Figure 2: 5-node dispatch, processing by node and class, utilisation | ")
                .append("[dispatch map](reports/five-node/dispatch-map.png), [processing](reports/five-node/processing.png),")
                .append(" [node utilisation](reports/five-node/node-utilisation.png) | PER_LINK (the paper's) |\n")
                .append("| Figure 3: mean prices, scarce pairs and congested links vs demand scale | ")
                .append("[demand sweep](reports/five-node/demand-sweep.png), and")
                .append(" [20-node](reports/twenty-node/demand-sweep.png) | PER_LINK (the paper's) |\n")
                .append("| Figure 4 left: link utilisation, transfer-aware | ")
                .append("[link utilisation](reports/five-node-transfer-aware/link-utilisation.png) | PER_LINK (the paper's) |\n")
                .append("| Figure 4 right: chat prices under 15/20 ms latency limits | ")
                .append("[chat price decomposition](reports/five-node-latency/decomposition-chat.png) against")
                .append(" [the baseline's](reports/five-node/decomposition-chat.png) | PER_LINK (the paper's); END_TO_END")
                .append(" gives the same prices (rows above) |\n\n")
                .append("![five-node dispatch map](reports/five-node/dispatch-map.png)\n\n")
                .append("![five-node demand sweep](reports/five-node/demand-sweep.png)\n");

        md.append("\n## Demand sweep, five-node (Figure 3)\n\n")
                .append("Made by `./tokenflow sweep five-node --scales 1..45` (every 5th scale shown); scarce = μ ≥ ")
                .append(String.format(Locale.ROOT, "%.2f", indicators.scarcityThreshold())).append(" $/M tokens.\n\n")
                .append("| scale | demand (M tok/s) | cost ($/hr) | chat | image | code | batch | scarce pairs |")
                .append(" congested links |\n|---|---|---|---|---|---|---|---|---|\n");
        for (DemandSweep.Point p : sweep) {
            if (p.scale() != 1 && p.scale() % 5 != 0) {
                continue;
            }
            ClearingResult r = p.result();
            md.append(String.format(Locale.ROOT, "| %.0fx | %.2f | %s | %.4f | %.2f | %.4f | %.4f | %d | %d |%n",
                    p.scale(), p.demandTokensPerSecond() / 1e6, money(r.objectivePerHour().getAsDouble()),
                    r.meanPrice("chat"), r.meanPrice("image"), r.meanPrice("code"), r.meanPrice("batch"),
                    indicators.scarcePairs(r).size(), MarketIndicators.congestedLinks(r).size()));
        }
        md.append("\n## The 35x baseline prices, decomposed (paper eq. 9)\n\n")
                .append("| node | class | price | = energy | + scarcity | + routing | + congestion | served at |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (NodePrice p : baseline.prices()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f | %.4f | %.4f | %.4f | %s |%n", p.node(),
                    p.classId(), p.price(), p.energy(), p.scarcity(), p.routing(), p.congestion(),
                    String.join(" -> ", p.path())));
        }
        md.append("\n## twenty-node at 40x: the diagnosis\n\n")
                .append(twenty40.diagnosis().map(d -> "> " + d.message() + "\n").orElse("(feasible)\n"))
                .append(String.format(Locale.ROOT, "%nAt 35x it clears at $%s/hr with %d scarce pairs.%n",
                        money(twenty.objectivePerHour().getAsDouble()), indicators.scarcePairs(twenty).size()));
        return md.toString();
    }
}
