package io.tokenflow.market.clearing;

import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ArcFlow;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.DeliverySite;
import io.tokenflow.market.solution.LinkState;
import io.tokenflow.market.solution.PathFlow;
import io.tokenflow.market.solution.ProcessingLevel;
import io.tokenflow.market.solution.ServingShare;
import io.tokenflow.market.solution.UnservedDemand;
import io.tokenflow.market.solution.UnservedShare;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * What an OPTIMAL clearing means for a single request: the sites a class may reach from an origin
 * with their delivered cost, and how the cleared flows split each origin's served tokens among sites.
 * Under END_TO_END a class with a limit reaches a site only along a path whose summed latency is within
 * it, and its split is the result's path flows, so no answer offers a path over the limit.
 * A pure function of (scenario, result); immutable and thread-safe, each query allocates its answer.
 */
public final class ServingAnalysis {
    private final Scenario scenario;
    private final Coefficients co;
    /** Congestion rent η_a per link, in the bandwidth model's units. */
    private final double[] eta;
    /** x_j,k and μ_j,k, tokens/s and $/M tokens. */
    private final double[][] processed;
    private final double[][] scarcity;
    /** Demand d, served demand d − y and unserved demand y (at most d), tokens/s. */
    private final double[][] demand;
    private final double[][] served;
    private final double[][] unserved;
    /** f_a,k, tokens/s. */
    private final double[][] flow;
    private final List<PathFlow> pathFlows;
    /** Link index by {@code from->to}. */
    private final Map<String, Integer> linkIndex;

    public ServingAnalysis(Scenario scenario, ClearingResult result) {
        if (!result.optimal()) {
            throw new IllegalArgumentException("serving analysis needs an OPTIMAL clearing, got " + result.status());
        }
        this.scenario = scenario;
        this.co = new Coefficients(scenario);
        linkIndex = new HashMap<>();
        for (int a = 0; a < co.linkCount; a++) {
            linkIndex.put(scenario.links().get(a).label(), a);
        }
        eta = new double[co.linkCount];
        for (LinkState link : result.links()) {
            eta[linkIndex.get(link.from() + "->" + link.to())] = link.congestionRent();
        }
        processed = new double[co.nodeCount][co.classCount];
        scarcity = new double[co.nodeCount][co.classCount];
        for (ProcessingLevel p : result.processing()) {
            int j = scenario.nodeIndex(p.node());
            int k = scenario.classIndex(p.classId());
            processed[j][k] = p.tokensPerSecond();
            scarcity[j][k] = p.scarcityRent();
        }
        demand = scenario.demandTable();
        served = scenario.demandTable();
        unserved = new double[co.nodeCount][co.classCount];
        for (UnservedDemand u : result.unserved()) {
            int j = scenario.nodeIndex(u.node());
            int k = scenario.classIndex(u.classId());
            // the solver may leave y a rounding above d: what goes unserved is never more than the demand
            unserved[j][k] = Math.min(served[j][k], Math.max(0, u.tokensPerSecond()));
            served[j][k] = served[j][k] - unserved[j][k];
        }
        flow = new double[co.linkCount][co.classCount];
        for (ArcFlow f : result.flows()) {
            flow[linkIndex.get(f.from() + "->" + f.to())][scenario.classIndex(f.classId())] = f.tokensPerSecond();
        }
        pathFlows = result.pathFlows();
    }

    /**
     * Every node with capacity for the class that the origin can reach over open links the class may
     * use, each by its cheapest path (routing + congestion), cheapest delivered cost first (ties:
     * lower latency, then scenario order). The origin itself comes with an empty-hop path. Under
     * END_TO_END, for a class with a limit, only paths whose summed latency is within it count: a site
     * is listed only if one reaches it, by the cheapest such path (a latency-constrained shortest path).
     *
     * @param network the class's arcs, from {@link ClassNetwork#of} on a scenario of the same topology
     */
    public List<DeliverySite> feasibleSites(ClassNetwork network, String origin) {
        if (!network.topology().equals(ClassNetwork.Topology.of(scenario))) {
            throw new IllegalArgumentException("class network of another topology");
        }
        int k = scenario.classIndex(network.classId());
        int o = scenario.nodeIndex(origin);
        if (co.pathClass[k]) {
            return feasibleSitesWithinLimit(k, o, origin);
        }
        double[] dist = new double[co.nodeCount];
        int[] viaArc = new int[co.nodeCount];
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
        Arrays.fill(viaArc, -1);
        dist[o] = 0;
        PriorityQueue<double[]> queue = new PriorityQueue<>(Comparator.comparingDouble((double[] e) -> e[0]));
        queue.add(new double[] {0, o});
        boolean[] done = new boolean[co.nodeCount];
        while (!queue.isEmpty()) {
            int u = (int) queue.poll()[1];
            if (done[u]) {
                continue;
            }
            done[u] = true;
            for (int a : network.outArcs[u]) {
                if (co.linkCapacity[a] <= 0) {
                    continue; // a closed link carries nothing
                }
                int v = co.linkTo[a];
                double d = dist[u] + co.routingCost[a][k] + co.linkWeight[k] * eta[a];
                if (d < dist[v]) {
                    dist[v] = d;
                    viaArc[v] = a;
                    queue.add(new double[] {d, v});
                }
            }
        }
        List<DeliverySite> sites = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int s = 0; s < co.nodeCount; s++) {
            if (!done[s] || co.capacity[s][k] <= 0) {
                continue;
            }
            List<String> path = new ArrayList<>();
            double routing = 0;
            double congestion = 0;
            double latency = 0;
            for (int v = s; v != o; v = co.linkFrom[viaArc[v]]) {
                int a = viaArc[v];
                path.add(0, scenario.nodes().get(v).id());
                routing += co.routingCost[a][k];
                congestion += co.linkWeight[k] * eta[a];
                latency += scenario.links().get(a).latencyMs();
            }
            path.add(0, origin);
            double spare = Math.max(0, co.capacity[s][k] * Coefficients.TOKENS_PER_UNIT - processed[s][k]);
            sites.add(new DeliverySite(scenario.nodes().get(s).id(), path, co.processingCost[s][k], scarcity[s][k],
                    routing, congestion, latency, spare));
            order.add(s);
        }
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < sites.size(); i++) {
            position.put(sites.get(i).node(), order.get(i));
        }
        sites.sort(Comparator.comparingDouble(DeliverySite::deliveredCost)
                .thenComparingDouble(DeliverySite::latencyMs)
                .thenComparingInt(site -> position.get(site.node())));
        return List.copyOf(sites);
    }

    /**
     * The demand of {@code classId} at {@code origin} and how much of it the clearing leaves unserved.
     *
     * @throws io.tokenflow.market.model.UnknownIdException if the origin or class is unknown
     */
    public UnservedShare unserved(String origin, String classId) {
        int j = scenario.nodeIndex(origin);
        int k = scenario.classIndex(classId);
        return new UnservedShare(origin, classId, demand[j][k], unserved[j][k]);
    }

    /**
     * Σ τ along a path of node ids (the scenario's links between consecutive nodes), ms.
     *
     * @throws io.tokenflow.market.model.UnknownIdException if two consecutive nodes have no link
     */
    public double latencyMs(List<String> path) {
        double latency = 0;
        for (int i = 0; i + 1 < path.size(); i++) {
            Integer a = linkIndex.get(path.get(i) + "->" + path.get(i + 1));
            if (a == null) {
                throw new io.tokenflow.market.model.UnknownIdException("link", path.get(i) + "->" + path.get(i + 1));
            }
            latency += co.latency[a];
        }
        return latency;
    }

    private List<DeliverySite> feasibleSitesWithinLimit(int k, int o, String origin) {
        double[] arcCost = new double[co.linkCount];
        for (int a = 0; a < co.linkCount; a++) {
            arcCost[a] = co.routingCost[a][k] + co.linkWeight[k] * eta[a];
        }
        LatencyConstrainedPaths paths = LatencyConstrainedPaths.search(co, k, o, arcCost, Double.POSITIVE_INFINITY);
        List<DeliverySite> sites = new ArrayList<>();
        for (int s = 0; s < co.nodeCount; s++) {
            if (!paths.reached(s) || co.capacity[s][k] <= 0) {
                continue;
            }
            List<String> path = new ArrayList<>();
            double routing = 0;
            double congestion = 0;
            for (int node : paths.nodes(s)) {
                path.add(scenario.nodes().get(node).id());
            }
            for (int a : paths.arcs(s)) {
                routing += co.routingCost[a][k];
                congestion += co.linkWeight[k] * eta[a];
            }
            double spare = Math.max(0, co.capacity[s][k] * Coefficients.TOKENS_PER_UNIT - processed[s][k]);
            sites.add(new DeliverySite(scenario.nodes().get(s).id(), path, co.processingCost[s][k], scarcity[s][k],
                    routing, congestion, paths.latency(s), spare));
        }
        sites.sort(Comparator.comparingDouble(DeliverySite::deliveredCost)
                .thenComparingDouble(DeliverySite::latencyMs)
                .thenComparingInt(site -> scenario.nodeIndex(site.node())));
        return List.copyOf(sites);
    }

    /**
     * Splits the cleared flows of one class into origin → site paths: for every origin with served
     * demand, which sites its tokens reach and in what shares. The split is one flow decomposition of
     * many (tokens of different origins are interchangeable); this one is deterministic: origins in
     * scenario order, each first using its own processing, then the outgoing arc with the most flow
     * left, cancelling any cycle it meets.
     *
     * @return per origin id (scenario order), its shares, largest first; origins serving nothing are absent
     */
    public Map<String, List<ServingShare>> servingSplit(String classId) {
        int k = scenario.classIndex(classId);
        if (!pathFlows.isEmpty() || co.pathClass[k]) {
            return splitOfPathFlows(classId);
        }
        // a result without path flows (built by hand): split its arc flows here, as the engine does
        double[] supply = new double[co.nodeCount];
        double[] sink = new double[co.nodeCount];
        double[] left = new double[co.linkCount];
        for (int j = 0; j < co.nodeCount; j++) {
            supply[j] = served[j][k];
            sink[j] = processed[j][k];
        }
        for (int a = 0; a < co.linkCount; a++) {
            left[a] = flow[a][k];
        }
        Map<Integer, Map<Integer, double[]>> bySite = new LinkedHashMap<>(); // origin -> site -> {tokens, largest}
        Map<Integer, Map<Integer, List<String>>> pathOf = new HashMap<>();
        for (FlowDecomposition.Chunk c : FlowDecomposition.decompose(co, supply, sink, left)) {
            double[] acc = bySite.computeIfAbsent(c.origin(), o -> new LinkedHashMap<>())
                    .computeIfAbsent(c.site(), s -> new double[2]);
            acc[0] += c.amount();
            if (c.amount() > acc[1]) {
                acc[1] = c.amount();
                pathOf.computeIfAbsent(c.origin(), o -> new HashMap<>()).put(c.site(),
                        java.util.Arrays.stream(c.nodes()).mapToObj(j -> scenario.nodes().get(j).id()).toList());
            }
        }
        Map<String, List<ServingShare>> split = new LinkedHashMap<>();
        bySite.forEach((origin, sites) -> {
            double originTotal = sites.values().stream().mapToDouble(acc -> acc[0]).sum();
            List<ServingShare> shares = new ArrayList<>();
            sites.forEach((site, acc) -> {
                List<String> path = pathOf.get(origin).get(site);
                shares.add(new ServingShare(scenario.nodes().get(site).id(), path, acc[0], acc[0] / originTotal,
                        latencyMs(path)));
            });
            shares.sort(Comparator.comparingDouble(ServingShare::tokensPerSecond).reversed());
            split.put(scenario.nodes().get(origin).id(), List.copyOf(shares));
        });
        return split;
    }

    /**
     * The split as the result's path flows give it: per origin, the tokens per site, each with the path
     * that carries most of them (a path class's paths are all within its limit).
     */
    private Map<String, List<ServingShare>> splitOfPathFlows(String classId) {
        Map<String, Map<String, double[]>> bySite = new LinkedHashMap<>(); // origin -> site -> {tokens, largest}
        Map<String, Map<String, List<String>>> pathOf = new HashMap<>();
        for (PathFlow p : pathFlows) {
            if (!p.classId().equals(classId)) {
                continue;
            }
            double[] acc = bySite.computeIfAbsent(p.origin(), o -> new LinkedHashMap<>())
                    .computeIfAbsent(p.site(), x -> new double[2]);
            acc[0] += p.tokensPerSecond();
            if (p.tokensPerSecond() > acc[1]) {
                acc[1] = p.tokensPerSecond();
                pathOf.computeIfAbsent(p.origin(), o -> new HashMap<>()).put(p.site(), p.path());
            }
        }
        Map<String, List<ServingShare>> split = new LinkedHashMap<>();
        for (int o = 0; o < co.nodeCount; o++) {
            String origin = scenario.nodes().get(o).id();
            Map<String, double[]> sites = bySite.get(origin);
            if (sites == null) {
                continue;
            }
            double total = sites.values().stream().mapToDouble(acc -> acc[0]).sum();
            if (total <= 0) {
                continue;
            }
            List<ServingShare> shares = new ArrayList<>();
            sites.forEach((site, acc) -> shares.add(new ServingShare(site, pathOf.get(origin).get(site), acc[0],
                    acc[0] / total, latencyMs(pathOf.get(origin).get(site)))));
            shares.sort(Comparator.comparingDouble(ServingShare::tokensPerSecond).reversed());
            split.put(origin, List.copyOf(shares));
        }
        return split;
    }
}
