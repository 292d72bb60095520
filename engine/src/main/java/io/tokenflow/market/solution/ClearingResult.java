package io.tokenflow.market.solution;

import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.LatencyScope;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The cleared market (the clearing-result format v1, docs/formats.md): every price with its decomposition, the dispatch,
 * rents, unserved demand and settlement; or, when must-serve demand cannot be met, a diagnosis and
 * the dispatch that serves the most.
 *
 * <p>Every node × class pair appears in {@code prices} (when OPTIMAL), {@code processing} and
 * {@code unserved}; every link in {@code links}; {@code flows} lists positive flows only.
 * {@code pathFlows} splits every origin's served tokens into the paths that carry them (origins in
 * scenario order, then classes, then the largest first): they add up per origin and class to the served
 * demand, per node and class to {@code processing}, per link to its load, and under END_TO_END each
 * path of a class with a limit is within it. {@code latencyScope} echoes the scenario's.
 */
public record ClearingResult(
        String scenario,
        ClearingStatus status,
        BandwidthModel bandwidthModel,
        LatencyScope latencyScope,
        OptionalDouble objectivePerHour,
        List<NodePrice> prices,
        List<ProcessingLevel> processing,
        List<ArcFlow> flows,
        List<PathFlow> pathFlows,
        List<LinkState> links,
        List<UnservedDemand> unserved,
        Optional<Settlement> settlement,
        Optional<Diagnosis> diagnosis,
        SolveStats stats) {

    public ClearingResult {
        prices = List.copyOf(prices);
        processing = List.copyOf(processing);
        flows = List.copyOf(flows);
        pathFlows = List.copyOf(pathFlows);
        if (latencyScope == null) {
            throw new IllegalArgumentException("a clearing result echoes its scenario's latency scope; got none");
        }
        links = List.copyOf(links);
        unserved = List.copyOf(unserved);
    }

    public boolean optimal() {
        return status == ClearingStatus.OPTIMAL;
    }

    /** π_j,k; fails if the pair is unknown or the clearing is not OPTIMAL. */
    public NodePrice price(String node, String classId) {
        return prices.stream()
                .filter(p -> p.node().equals(node) && p.classId().equals(classId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no price for node '" + node + "' class '"
                        + classId + "' (status " + status + ")"));
    }

    public LinkState link(String from, String to) {
        return links.stream()
                .filter(l -> l.from().equals(from) && l.to().equals(to))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no link '" + from + "->" + to + "'"));
    }

    public ProcessingLevel processing(String node, String classId) {
        return processing.stream()
                .filter(p -> p.node().equals(node) && p.classId().equals(classId))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node '" + node + "' class '" + classId + "'"));
    }

    /** The unweighted mean of π over the nodes for one class (the paper's "mean price"). */
    public double meanPrice(String classId) {
        return prices.stream().filter(p -> p.classId().equals(classId)).mapToDouble(NodePrice::price).average()
                .orElse(Double.NaN);
    }

    /** The workload class ids, in the scenario's order. */
    public List<String> classIds() {
        return processing.stream().map(ProcessingLevel::classId).distinct().toList();
    }

    public double totalUnservedTokensPerSecond() {
        return unserved.stream().mapToDouble(UnservedDemand::tokensPerSecond).sum();
    }
}
