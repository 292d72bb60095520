package io.tokenflow.market.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.solution.ArcFlow;
import io.tokenflow.market.solution.ClassShortfall;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.Diagnosis;
import io.tokenflow.market.solution.FarkasCertificate;
import io.tokenflow.market.solution.LatencyReach;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.PathFlow;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.market.solution.Settlement;
import io.tokenflow.market.solution.UnservedDemand;

/**
 * Writes a {@link ClearingResult} as the clearing result format v1 (shared spec
 * docs/formats.md): the spec's fields with its names, plus the decomposition terms and paths.
 * Solver statistics are left out so that the same input always prints the same document.
 */
public final class ClearingResultJson {
    private ClearingResultJson() {}

    public static String write(ClearingResult result) {
        try {
            return ScenarioJson.mapper().writeValueAsString(tree(result)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a tree of plain values failed to print", e);
        }
    }

    public static ObjectNode tree(ClearingResult result) {
        ObjectNode root = ScenarioJson.mapper().createObjectNode();
        root.put("scenario", result.scenario());
        root.put("status", result.status().name());
        root.put("bandwidthModel", result.bandwidthModel().name());
        root.put("latencyScope", result.latencyScope().name());
        if (result.objectivePerHour().isPresent()) {
            root.put("objectivePerHour", result.objectivePerHour().getAsDouble());
        } else {
            root.putNull("objectivePerHour");
        }
        ArrayNode prices = root.putArray("prices");
        for (NodePrice p : result.prices()) {
            ObjectNode o = prices.addObject();
            o.put("node", p.node());
            o.put("class", p.classId());
            o.put("price", p.price());
            o.put("energy", p.energy());
            o.put("scarcity", p.scarcity());
            o.put("routing", p.routing());
            o.put("congestion", p.congestion());
            if (p.unservedPenalty() != 0) {
                o.put("unservedPenalty", p.unservedPenalty());
            }
            if (p.servingNode().isPresent()) {
                o.put("servingNode", p.servingNode().get());
            } else {
                o.putNull("servingNode");
            }
            ArrayNode path = o.putArray("path");
            p.path().forEach(path::add);
            o.put("electricityCost", p.electricityCost());
            o.put("opexCost", p.opexCost());
        }
        ArrayNode processing = root.putArray("processing");
        for (ProcessingLevel p : result.processing()) {
            ObjectNode o = processing.addObject();
            o.put("node", p.node());
            o.put("class", p.classId());
            ScenarioJson.putNumber(o, "tokensPerSecond", p.tokensPerSecond());
            ScenarioJson.putNumber(o, "capacity", p.capacityTokensPerSecond());
            o.put("scarcityRent", p.scarcityRent());
        }
        ArrayNode flows = root.putArray("flows");
        for (ArcFlow f : result.flows()) {
            ObjectNode o = flows.addObject();
            o.put("from", f.from());
            o.put("to", f.to());
            o.put("class", f.classId());
            ScenarioJson.putNumber(o, "tokensPerSecond", f.tokensPerSecond());
        }
        ArrayNode pathFlows = root.putArray("pathFlows");
        for (PathFlow p : result.pathFlows()) {
            ObjectNode o = pathFlows.addObject();
            o.put("origin", p.origin());
            o.put("class", p.classId());
            ArrayNode path = o.putArray("path");
            p.path().forEach(path::add);
            ScenarioJson.putNumber(o, "tokensPerSecond", p.tokensPerSecond());
            ScenarioJson.putNumber(o, "latencyMs", p.latencyMs());
        }
        ArrayNode links = root.putArray("links");
        for (LinkState l : result.links()) {
            ObjectNode o = links.addObject();
            o.put("from", l.from());
            o.put("to", l.to());
            o.put("congestionRent", l.congestionRent());
            o.put("utilization", l.utilization());
            ScenarioJson.putNumber(o, "tokensPerSecond", l.tokensPerSecond());
            o.put("gbPerSecond", l.gbPerSecond());
        }
        ArrayNode unserved = root.putArray("unserved");
        for (UnservedDemand u : result.unserved()) {
            ObjectNode o = unserved.addObject();
            o.put("node", u.node());
            o.put("class", u.classId());
            ScenarioJson.putNumber(o, "tokensPerSecond", u.tokensPerSecond());
        }
        if (result.settlement().isPresent()) {
            Settlement s = result.settlement().get();
            ObjectNode o = root.putObject("settlement");
            o.put("userPaymentsPerHour", s.userPaymentsPerHour());
            o.put("computeRevenuePerHour", s.computeRevenuePerHour());
            o.put("networkRevenuePerHour", s.networkRevenuePerHour());
            o.put("merchandisingSurplusPerHour", s.merchandisingSurplusPerHour());
            o.put("routeCostPerHour", s.routeCostPerHour());
        } else {
            root.putNull("settlement");
        }
        result.diagnosis().ifPresent(d -> diagnosis(root.putObject("diagnosis"), d));
        return root;
    }

    private static void diagnosis(ObjectNode o, Diagnosis d) {
        o.put("message", d.message());
        ArrayNode shortfalls = o.putArray("shortfalls");
        for (ClassShortfall s : d.shortfalls()) {
            ObjectNode c = shortfalls.addObject();
            c.put("class", s.classId());
            ScenarioJson.putNumber(c, "demandTokensPerSecond", s.demandTokensPerSecond());
            ScenarioJson.putNumber(c, "shortfallTokensPerSecond", s.shortfallTokensPerSecond());
            ArrayNode constrained = c.putArray("constrainedOrigins");
            s.constrainedOrigins().forEach(constrained::add);
            ArrayNode origins = c.putArray("shortOrigins");
            for (UnservedDemand u : s.shortOrigins()) {
                ObjectNode origin = origins.addObject();
                origin.put("node", u.node());
                ScenarioJson.putNumber(origin, "tokensPerSecond", u.tokensPerSecond());
            }
            ArrayNode nodes = c.putArray("exhaustedNodes");
            s.exhaustedNodes().forEach(nodes::add);
            ArrayNode links = c.putArray("bottleneckLinks");
            s.bottleneckLinks().forEach(links::add);
            if (!s.latencyReach().isEmpty()) {
                ArrayNode reach = c.putArray("latencyReach");
                for (LatencyReach r : s.latencyReach()) {
                    ObjectNode e = reach.addObject();
                    e.put("origin", r.origin());
                    if (r.nearestSite().isPresent()) {
                        e.put("nearestSite", r.nearestSite().get());
                        ScenarioJson.putNumber(e, "latencyMs", r.latencyMs());
                    } else {
                        e.putNull("nearestSite");
                        e.putNull("latencyMs");
                    }
                    ScenarioJson.putNumber(e, "limitMs", r.limitMs());
                }
            }
        }
        FarkasCertificate cert = d.certificate();
        ObjectNode certificate = o.putObject("certificate");
        certificate.put("units", "rates in M tokens/s; link capacity in M tokens/s (TOKEN_EQUIVALENT) or GB/s"
                + " (TRANSFER_AWARE)");
        ArrayNode balance = certificate.putArray("balanceWeights");
        for (FarkasCertificate.NodeClassWeight w : cert.balanceWeights()) {
            balance.addObject().put("node", w.node()).put("class", w.classId()).put("weight", w.weight());
        }
        ArrayNode capacity = certificate.putArray("capacityWeights");
        for (FarkasCertificate.NodeClassWeight w : cert.capacityWeights()) {
            capacity.addObject().put("node", w.node()).put("class", w.classId()).put("weight", w.weight());
        }
        ArrayNode links = certificate.putArray("linkWeights");
        for (FarkasCertificate.LinkWeight w : cert.linkWeights()) {
            links.addObject().put("from", w.from()).put("to", w.to()).put("weight", w.weight());
        }
        ScenarioJson.putNumber(certificate, "boundTokensPerSecond", cert.boundTokensPerSecond());
    }
}
