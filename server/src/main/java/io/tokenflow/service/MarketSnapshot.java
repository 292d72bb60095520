package io.tokenflow.service;

import io.tokenflow.market.clearing.ClassNetwork;
import io.tokenflow.market.clearing.ServingAnalysis;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.UnknownIdException;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.solution.ClearingResult;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One cleared version of the market: the inputs it was cleared on, the result, and what the read path
 * needs to answer without touching the solver. Immutable; the oracle swaps it whole.
 *
 * @param version   1 for the first clear, then greater with every successful re-clear
 * @param clearedAt when the clear finished
 * @param scenario  the inputs in force, every update of this version applied
 * @param result    the OPTIMAL clearing of {@code scenario}
 * @param analysis  delivered costs and flow split derived from {@code result}
 * @param topology  what the class networks depend on (unchanged by capacity, demand or price updates)
 */
public record MarketSnapshot(
        long version,
        Instant clearedAt,
        Scenario scenario,
        ClearingResult result,
        ServingAnalysis analysis,
        ClassNetwork.Topology topology,
        Set<String> nodeIds,
        Set<String> classIds) {

    public MarketSnapshot {
        nodeIds = Set.copyOf(nodeIds);
        classIds = Set.copyOf(classIds);
    }

    static MarketSnapshot of(long version, Instant clearedAt, Scenario scenario, ClearingResult result) {
        return new MarketSnapshot(version, clearedAt, scenario, result, new ServingAnalysis(scenario, result),
                ClassNetwork.Topology.of(scenario),
                scenario.nodes().stream().map(ComputeNode::id).collect(Collectors.toSet()),
                scenario.classes().stream().map(WorkloadClass::id).collect(Collectors.toSet()));
    }

    /** Fails with the unknown id named (NOT_FOUND at the API) unless both ids exist. */
    public void requireKnown(String node, String classId) {
        requireNode(node);
        requireClass(classId);
    }

    public void requireNode(String node) {
        if (!nodeIds.contains(node)) {
            throw new UnknownIdException("node", node);
        }
    }

    public void requireClass(String classId) {
        if (!classIds.contains(classId)) {
            throw new UnknownIdException("class", classId);
        }
    }
}
