package io.tokenflow.market.clearing;

import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ArcFlow;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.market.solution.SettlementStatement;
import io.tokenflow.market.solution.UnservedDemand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Breaks a clearing's settlement (paper §2.4) into lines per origin × class, node × class and link. */
public final class SettlementLedger {
    /** $/M tokens × tokens/s → $/hr. */
    private static final double PER_HOUR = Coefficients.SECONDS_PER_HOUR / Coefficients.TOKENS_PER_UNIT;

    private SettlementLedger() {}

    /** The lines of an OPTIMAL clearing of {@code scenario}; fails for one without settlement. */
    public static SettlementStatement statement(Scenario scenario, ClearingResult result) {
        if (result.settlement().isEmpty()) {
            throw new IllegalArgumentException("a " + result.status() + " clearing has no settlement");
        }
        Coefficients co = new Coefficients(scenario);
        double[][] demand = scenario.demandTable();
        Map<String, Double> unserved = new HashMap<>();
        for (UnservedDemand u : result.unserved()) {
            unserved.put(u.node() + "\u0000" + u.classId(), u.tokensPerSecond());
        }
        List<SettlementStatement.Payment> payments = new ArrayList<>();
        for (NodePrice p : result.prices()) {
            double d = demand[scenario.nodeIndex(p.node())][scenario.classIndex(p.classId())];
            double served = Math.max(0, d - unserved.getOrDefault(p.node() + "\u0000" + p.classId(), 0.0));
            if (served > 0) {
                payments.add(new SettlementStatement.Payment(p.node(), p.classId(), served, p.price(),
                        p.price() * served * PER_HOUR));
            }
        }
        List<SettlementStatement.ComputeEarning> compute = new ArrayList<>();
        for (ProcessingLevel x : result.processing()) {
            if (x.tokensPerSecond() > 0) {
                int j = scenario.nodeIndex(x.node());
                int k = scenario.classIndex(x.classId());
                double rate = co.processingCost[j][k] + x.scarcityRent();
                compute.add(new SettlementStatement.ComputeEarning(x.node(), x.classId(), x.tokensPerSecond(), rate,
                        rate * x.tokensPerSecond() * PER_HOUR));
            }
        }
        Map<String, Integer> linkIndex = new HashMap<>();
        for (int a = 0; a < co.linkCount; a++) {
            linkIndex.put(scenario.links().get(a).label(), a);
        }
        double[] tokens = new double[co.linkCount];
        double[] gb = new double[co.linkCount];
        double[] tariff = new double[co.linkCount];
        double[] rent = new double[co.linkCount];
        double[] eta = new double[co.linkCount];
        for (LinkState link : result.links()) {
            eta[linkIndex.get(link.from() + "->" + link.to())] = link.congestionRent();
        }
        for (ArcFlow f : result.flows()) {
            int a = linkIndex.get(f.from() + "->" + f.to());
            int k = scenario.classIndex(f.classId());
            double gbPerMTokens = scenario.classes().get(k).gbPerMTokens();
            tokens[a] += f.tokensPerSecond();
            gb[a] += gbPerMTokens * f.tokensPerSecond() / Coefficients.TOKENS_PER_UNIT;
            // c_a,k − c^route_a is the tariff part w_a a_k of the routing cost
            tariff[a] += (co.routingCost[a][k] - co.routeCost[a]) * f.tokensPerSecond() * PER_HOUR;
            rent[a] += co.linkWeight[k] * eta[a] * f.tokensPerSecond() * PER_HOUR;
        }
        List<SettlementStatement.NetworkEarning> network = new ArrayList<>();
        for (int a = 0; a < co.linkCount; a++) {
            if (tokens[a] > 0) {
                network.add(new SettlementStatement.NetworkEarning(scenario.links().get(a).from(),
                        scenario.links().get(a).to(), tokens[a], gb[a], tariff[a], rent[a]));
            }
        }
        return new SettlementStatement(payments, compute, network, result.settlement().get());
    }
}
