package io.tokenflow.market.model;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The whole input of one market clearing (scenario format v1): workload classes, compute nodes,
 * directed links and demand, with the rule that reads the classes' latency limits. Construction
 * validates every cross-reference, so a {@code Scenario} that exists is one the engine can formulate.
 *
 * <p>Immutable; the {@code with...} methods return a validated copy with one input changed, which is
 * how updates (capacity, demand, electricity price, link capacity) are applied.
 */
public record Scenario(
        String name,
        BandwidthModel bandwidthModel,
        LatencyScope latencyScope,
        List<WorkloadClass> classes,
        List<ComputeNode> nodes,
        List<Link> links,
        List<Demand> demand) {

    public Scenario {
        if (name == null) {
            throw new InvalidScenarioException("name is required");
        }
        if (bandwidthModel == null) {
            bandwidthModel = BandwidthModel.TOKEN_EQUIVALENT;
        }
        if (latencyScope == null) {
            latencyScope = LatencyScope.END_TO_END;
        }
        classes = List.copyOf(classes);
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        demand = List.copyOf(demand);
        if (classes.isEmpty()) {
            throw new InvalidScenarioException("classes must list at least one workload class");
        }
        if (nodes.isEmpty()) {
            throw new InvalidScenarioException("nodes must list at least one compute node");
        }
        Set<String> classIds = uniqueIds("class", classes.stream().map(WorkloadClass::id).toList());
        Set<String> nodeIds = uniqueIds("node", nodes.stream().map(ComputeNode::id).toList());
        for (ComputeNode node : nodes) {
            for (String cls : node.capacityTokensPerSecond().keySet()) {
                if (!classIds.contains(cls)) {
                    throw new InvalidScenarioException("node '" + node.id() + "' capacityTokensPerSecond names unknown class '"
                            + cls + "'");
                }
            }
        }
        Set<String> arcs = new HashSet<>();
        for (Link link : links) {
            requireKnown(nodeIds, "link '" + link.label() + "' from", link.from(), "node");
            requireKnown(nodeIds, "link '" + link.label() + "' to", link.to(), "node");
            if (!arcs.add(link.label())) {
                throw new InvalidScenarioException("duplicate link '" + link.label()
                        + "': list each directed arc once (a two-way link is one entry per direction)");
            }
        }
        Set<String> pairs = new HashSet<>();
        for (Demand d : demand) {
            requireKnown(nodeIds, "demand origin", d.origin(), "node");
            requireKnown(classIds, "demand origin '" + d.origin() + "' class", d.classId(), "class");
            if (!pairs.add(d.origin() + "\u0000" + d.classId())) {
                throw new InvalidScenarioException("duplicate demand pair origin '" + d.origin() + "' class '"
                        + d.classId() + "': list each origin and class once");
            }
        }
    }

    /** A scenario under the default latency scope, {@link LatencyScope#END_TO_END}. */
    public Scenario(String name, BandwidthModel bandwidthModel, List<WorkloadClass> classes, List<ComputeNode> nodes,
            List<Link> links, List<Demand> demand) {
        this(name, bandwidthModel, LatencyScope.END_TO_END, classes, nodes, links, demand);
    }

    private static Set<String> uniqueIds(String kind, List<String> ids) {
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!seen.add(id)) {
                throw new InvalidScenarioException("duplicate " + kind + " id '" + id + "'");
            }
        }
        return seen;
    }

    private static void requireKnown(Set<String> known, String field, String id, String kind) {
        if (!known.contains(id)) {
            throw new InvalidScenarioException(field + " names unknown " + kind + " '" + id + "'");
        }
    }

    public int nodeIndex(String nodeId) {
        for (int j = 0; j < nodes.size(); j++) {
            if (nodes.get(j).id().equals(nodeId)) {
                return j;
            }
        }
        throw new UnknownIdException("node", nodeId);
    }

    public int classIndex(String classId) {
        for (int k = 0; k < classes.size(); k++) {
            if (classes.get(k).id().equals(classId)) {
                return k;
            }
        }
        throw new UnknownIdException("class", classId);
    }

    /** The directed link from → to; fails with UnknownIdException if there is none. */
    public Link link(String from, String to) {
        for (Link link : links) {
            if (link.from().equals(from) && link.to().equals(to)) {
                return link;
            }
        }
        throw new UnknownIdException("link", from + "->" + to);
    }

    public ComputeNode node(String nodeId) {
        return nodes.get(nodeIndex(nodeId));
    }

    public WorkloadClass workloadClass(String classId) {
        return classes.get(classIndex(classId));
    }

    /** d_j,k as a dense [node][class] table in tokens/s. */
    public double[][] demandTable() {
        Map<String, Integer> nodeIdx = new HashMap<>();
        Map<String, Integer> classIdx = new HashMap<>();
        for (int j = 0; j < nodes.size(); j++) {
            nodeIdx.put(nodes.get(j).id(), j);
        }
        for (int k = 0; k < classes.size(); k++) {
            classIdx.put(classes.get(k).id(), k);
        }
        double[][] table = new double[nodes.size()][classes.size()];
        for (Demand d : demand) {
            table[nodeIdx.get(d.origin())][classIdx.get(d.classId())] = d.tokensPerSecond();
        }
        return table;
    }

    /** Σ d over every origin and class, tokens/s. */
    public double totalDemandTokensPerSecond() {
        return demand.stream().mapToDouble(Demand::tokensPerSecond).sum();
    }

    public Scenario withBandwidthModel(BandwidthModel model) {
        return new Scenario(name, model, latencyScope, classes, nodes, links, demand);
    }

    public Scenario withLatencyScope(LatencyScope scope) {
        return new Scenario(name, bandwidthModel, scope, classes, nodes, links, demand);
    }

    /** Whether class k is cleared on whole paths: END_TO_END and the class has a latency limit. */
    public boolean limitsWholePaths(WorkloadClass cls) {
        return latencyScope == LatencyScope.END_TO_END && cls.maxLatencyMs().isPresent();
    }

    /** A copy with C_j,k replaced; fails on an unknown node or class or an invalid rate. */
    public Scenario withCapacity(String nodeId, String classId, double tokensPerSecond) {
        return withUpdates(List.of(new MarketUpdate.CapacityUpdate(nodeId, classId, tokensPerSecond)));
    }

    /** A copy with d_j,k replaced (0 keeps the pair at 0); fails on an unknown node or class or an invalid rate. */
    public Scenario withDemand(String origin, String classId, double tokensPerSecond) {
        return withUpdates(List.of(new MarketUpdate.DemandUpdate(origin, classId, tokensPerSecond)));
    }

    public Scenario withElectricityPrice(String nodeId, double pricePerKwh) {
        return withUpdates(List.of(new MarketUpdate.ElectricityPriceUpdate(nodeId, pricePerKwh)));
    }

    public Scenario withLinkCapacity(String from, String to, double capacityGbps) {
        return withUpdates(List.of(new MarketUpdate.LinkCapacityUpdate(from, to, capacityGbps)));
    }

    /**
     * A copy with every update applied in order, validated as a whole: an unknown id or an invalid
     * value fails (naming it) and nothing is applied. Linear in the scenario's size plus the number of
     * updates, so batches of any size cost one copy.
     */
    public Scenario withUpdates(List<? extends MarketUpdate> updates) {
        Map<String, Integer> nodeIdx = new HashMap<>();
        for (int j = 0; j < nodes.size(); j++) {
            nodeIdx.put(nodes.get(j).id(), j);
        }
        Set<String> classIds = new HashSet<>();
        classes.forEach(c -> classIds.add(c.id()));
        Map<String, Integer> linkIdx = new HashMap<>();
        for (int a = 0; a < links.size(); a++) {
            linkIdx.put(links.get(a).label(), a);
        }
        ComputeNode[] newNodes = nodes.toArray(ComputeNode[]::new);
        Link[] newLinks = links.toArray(Link[]::new);
        Map<String, Demand> newDemand = new LinkedHashMap<>();
        demand.forEach(d -> newDemand.put(d.origin() + "\u0000" + d.classId(), d));
        for (MarketUpdate update : updates) {
            if (update instanceof MarketUpdate.CapacityUpdate u) {
                int j = known(nodeIdx, "node", u.node());
                knownClass(classIds, u.classId());
                newNodes[j] = newNodes[j].withCapacity(u.classId(), u.tokensPerSecond());
            } else if (update instanceof MarketUpdate.DemandUpdate u) {
                known(nodeIdx, "node", u.origin());
                knownClass(classIds, u.classId());
                newDemand.put(u.origin() + "\u0000" + u.classId(), new Demand(u.origin(), u.classId(),
                        u.tokensPerSecond()));
            } else if (update instanceof MarketUpdate.ElectricityPriceUpdate u) {
                int j = known(nodeIdx, "node", u.node());
                newNodes[j] = newNodes[j].withElectricityPrice(u.pricePerKwh());
            } else if (update instanceof MarketUpdate.LinkCapacityUpdate u) {
                int a = known(linkIdx, "link", u.from() + "->" + u.to());
                newLinks[a] = newLinks[a].withCapacityGbps(u.capacityGbps());
            } else {
                throw new IllegalArgumentException("unsupported update " + update);
            }
        }
        return new Scenario(name, bandwidthModel, latencyScope, classes, List.of(newNodes), List.of(newLinks),
                List.copyOf(newDemand.values()));
    }

    private static int known(Map<String, Integer> index, String kind, String id) {
        Integer i = index.get(id);
        if (i == null) {
            throw new UnknownIdException(kind, id);
        }
        return i;
    }

    private static void knownClass(Set<String> classIds, String id) {
        if (!classIds.contains(id)) {
            throw new UnknownIdException("class", id);
        }
    }

    /** Every demand multiplied by {@code factor} (a demand-growth scenario). */
    public Scenario withDemandScaled(double factor) {
        Checks.nonNegative("", "demand scale", factor);
        List<Demand> scaled = demand.stream()
                .map(d -> new Demand(d.origin(), d.classId(), d.tokensPerSecond() * factor))
                .toList();
        return new Scenario(name, bandwidthModel, latencyScope, classes, nodes, links, scaled);
    }

    public Scenario withClasses(UnaryOperator<WorkloadClass> change) {
        return new Scenario(name, bandwidthModel, latencyScope, classes.stream().map(change).toList(), nodes, links,
                demand);
    }
}
