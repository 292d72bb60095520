package io.tokenflow.cli;

import io.tokenflow.market.analysis.MarketIndicators;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClassShortfall;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.market.solution.Settlement;
import java.util.List;
import java.util.Locale;

/** A clearing as text for a person: header, price table with its decomposition, rents, settlement. */
final class ResultTable {
    private ResultTable() {}

    static String render(Scenario scenario, ClearingResult result) {
        StringBuilder out = new StringBuilder();
        out.append(scenario.name()).append('\n');
        out.append(String.format(Locale.ROOT,
                "status %s | %s | latency %s | demand %,.0f tok/s | %s, %d iterations%s, %.1f ms%n",
                result.status(), result.bandwidthModel(), result.latencyScope(), scenario.totalDemandTokensPerSecond(),
                result.stats().solver(), result.stats().iterations(),
                result.stats().pathColumns() > 0 ? ", " + result.stats().pathColumns() + " path columns" : "",
                result.stats().solveMillis()));
        if (!result.optimal()) {
            result.diagnosis().ifPresent(d -> {
                out.append('\n').append(d.message()).append("\n\n");
                out.append(String.format(Locale.ROOT, "%-12s %16s %16s  %s%n", "class", "demand tok/s", "short tok/s",
                        "short at"));
                for (ClassShortfall s : d.shortfalls()) {
                    out.append(String.format(Locale.ROOT, "%-12s %,16.0f %,16.0f  %s%n", s.classId(),
                            s.demandTokensPerSecond(), s.shortfallTokensPerSecond(),
                            String.join(", ", s.shortOrigins().stream().map(o -> o.node()).toList())));
                }
            });
            return out.toString();
        }
        out.append(String.format(Locale.ROOT, "cost $%,.2f/hr%n%n", result.objectivePerHour().getAsDouble()));
        int nodeWidth = Math.max(6, scenario.nodes().stream().mapToInt(n -> n.id().length()).max().orElse(6));
        int classWidth = Math.max(5, scenario.classes().stream().mapToInt(c -> c.id().length()).max().orElse(5));
        String row = "%-" + nodeWidth + "s  %-" + classWidth + "s %11s %11s %11s %10s %11s  %s%n";
        out.append("Prices, $/M tokens: price = energy + scarcity + routing + congestion (paper eq. 9)\n");
        out.append(String.format(Locale.ROOT, row, "node", "class", "price", "energy", "scarcity", "routing",
                "congestion", "served via"));
        for (NodePrice p : result.prices()) {
            String via = String.join(" -> ", p.path())
                    + (p.unservedPenalty() > 0 ? String.format(Locale.ROOT, " (unserved at penalty %.4f)", p.unservedPenalty()) : "")
                    + (p.servingNode().isEmpty() && p.unservedPenalty() == 0 ? " (no capacity reachable)" : "");
            out.append(String.format(Locale.ROOT, row, p.node(), p.classId(), num(p.price()), num(p.energy()),
                    num(p.scarcity()), num(p.routing()), num(p.congestion()), via));
        }
        List<ProcessingLevel> scarce = result.processing().stream().filter(p -> p.scarcityRent() > 0).toList();
        out.append("\nScarce capacity (rent > 0):").append(scarce.isEmpty() ? " none" : "").append('\n');
        for (ProcessingLevel p : scarce) {
            out.append(String.format(Locale.ROOT, "  %-" + nodeWidth + "s %-" + classWidth
                    + "s rent %.4f $/M tokens, %,.0f of %,.0f tok/s%n", p.node(), p.classId(), p.scarcityRent(),
                    p.tokensPerSecond(), p.capacityTokensPerSecond()));
        }
        List<LinkState> congested = MarketIndicators.congestedLinks(result);
        String rentUnit = result.bandwidthModel().name().equals("TRANSFER_AWARE") ? "$/GB" : "$/M tokens";
        out.append("Congested links (rent > 0):").append(congested.isEmpty() ? " none" : "").append('\n');
        for (LinkState l : congested) {
            out.append(String.format(Locale.ROOT, "  %s -> %s rent %.4f %s, utilisation %.1f%%%n", l.from(), l.to(),
                    l.congestionRent(), rentUnit, 100 * l.utilization()));
        }
        double unserved = result.totalUnservedTokensPerSecond();
        if (unserved > 0) {
            out.append(String.format(Locale.ROOT, "Unserved demand (at its penalty): %,.0f tok/s%n", unserved));
        }
        Settlement s = result.settlement().orElseThrow();
        out.append(String.format(Locale.ROOT,
                "Settlement, $/hr: users pay %,.2f; compute earns %,.2f; network earns %,.2f; surplus %,.2f%n",
                s.userPaymentsPerHour(), s.computeRevenuePerHour(), s.networkRevenuePerHour(),
                Math.abs(s.merchandisingSurplusPerHour()) < 0.005 ? 0 : s.merchandisingSurplusPerHour()));
        return out.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
