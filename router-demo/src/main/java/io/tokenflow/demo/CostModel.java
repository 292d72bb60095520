package io.tokenflow.demo;

import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What serving costs in a scenario, in $/M tokens, with the engine's coefficients
 * ({@code docs/engine.md}): processing g = electricity × kWh/M + node opex + class opex at the site;
 * routing c = route cost + tariff × GB/M along every link of the path.
 */
final class CostModel {
    private final Scenario scenario;
    private final Map<String, Link> links = new HashMap<>();

    CostModel(Scenario scenario) {
        this.scenario = scenario;
        for (Link l : scenario.links()) {
            links.put(l.from() + '\u0000' + l.to(), l);
        }
    }

    double processing(String node, String classId) {
        ComputeNode n = scenario.node(node);
        WorkloadClass k = scenario.workloadClass(classId);
        return n.electricityPricePerKwh() * k.kwhPerMTokens() + n.opexPerMTokens() + k.opexPerMTokens();
    }

    Link link(String from, String to) {
        return links.get(from + '\u0000' + to);
    }

    /** Σ c over the path's links; NaN when a hop is not a link of the scenario. */
    double routing(List<String> path, String classId) {
        WorkloadClass k = scenario.workloadClass(classId);
        double sum = 0;
        for (int i = 1; i < path.size(); i++) {
            Link l = link(path.get(i - 1), path.get(i));
            if (l == null) {
                return Double.NaN;
            }
            sum += l.routeCostPerMTokens() + l.tariffPerGb() * k.gbPerMTokens();
        }
        return sum;
    }

    /** The paper's rule: every link of the path within the class's latency limit (and a link of the scenario). */
    boolean withinLatency(List<String> path, String classId) {
        WorkloadClass k = scenario.workloadClass(classId);
        for (int i = 1; i < path.size(); i++) {
            Link l = link(path.get(i - 1), path.get(i));
            if (l == null || !k.mayUse(l)) {
                return false;
            }
        }
        return true;
    }

    /** node → class → processing cost, as plain numbers (the static table of {@code static-cheapest}). */
    Map<String, Map<String, Double>> processingTable() {
        Map<String, Map<String, Double>> table = new HashMap<>();
        for (ComputeNode n : scenario.nodes()) {
            Map<String, Double> row = new HashMap<>();
            for (WorkloadClass k : scenario.classes()) {
                row.put(k.id(), processing(n.id(), k.id()));
            }
            table.put(n.id(), row);
        }
        return table;
    }
}
