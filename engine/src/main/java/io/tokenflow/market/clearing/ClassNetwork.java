package io.tokenflow.market.clearing;

import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The arcs one workload class may use: those whose latency is within the class's limit (paper:
 * f_ij,k = 0 when τ_ij > L_k). Under END_TO_END a path over them must also fit the limit as a whole,
 * which {@link ServingAnalysis} checks per path. Depends only on the {@link Topology}, not on capacities or prices,
 * so the oracle computes it once per class and topology. Immutable and thread-safe.
 */
public final class ClassNetwork {
    private final String classId;
    private final Topology topology;
    private final List<Link> arcs;
    /** For each node index, the indices (into the scenario's links) of the arcs leaving it that the class may use. */
    final int[][] outArcs;

    private ClassNetwork(Scenario scenario, String classId) {
        WorkloadClass cls = scenario.workloadClass(classId);
        this.classId = classId;
        this.topology = Topology.of(scenario);
        int nodeCount = scenario.nodes().size();
        List<List<Integer>> out = new ArrayList<>();
        for (int j = 0; j < nodeCount; j++) {
            out.add(new ArrayList<>());
        }
        List<Link> allowed = new ArrayList<>();
        for (int a = 0; a < scenario.links().size(); a++) {
            Link link = scenario.links().get(a);
            if (cls.mayUse(link)) {
                allowed.add(link);
                out.get(scenario.nodeIndex(link.from())).add(a);
            }
        }
        this.arcs = List.copyOf(allowed);
        this.outArcs = out.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /** The arcs of {@code classId} in {@code scenario}; fails with UnknownIdException on an unknown class. */
    public static ClassNetwork of(Scenario scenario, String classId) {
        return new ClassNetwork(scenario, classId);
    }

    public String classId() {
        return classId;
    }

    /** The structure this network was derived from. */
    public Topology topology() {
        return topology;
    }

    /** The links the class may use, in the scenario's order. */
    public List<Link> arcs() {
        return arcs;
    }

    /**
     * What a class network depends on: the nodes, the directed links with their latencies, every
     * class's latency limit and the scope it applies to. Two scenarios with equal topologies have equal
     * class networks, whatever their capacities, demand and prices.
     */
    public record Topology(List<String> nodes, List<String> arcs, List<String> classLimits) {
        public Topology {
            nodes = List.copyOf(nodes);
            arcs = List.copyOf(arcs);
            classLimits = List.copyOf(classLimits);
        }

        public static Topology of(Scenario scenario) {
            return new Topology(
                    scenario.nodes().stream().map(n -> n.id()).toList(),
                    scenario.links().stream().map(l -> l.label() + "@" + l.latencyMs()).toList(),
                    scenario.classes().stream().map(c -> c.id() + "<=" + limit(c.maxLatencyMs()) + " "
                            + scenario.latencyScope()).toList());
        }

        private static String limit(OptionalDouble maxLatencyMs) {
            return maxLatencyMs.isPresent() ? Double.toString(maxLatencyMs.getAsDouble()) : "any";
        }
    }
}
