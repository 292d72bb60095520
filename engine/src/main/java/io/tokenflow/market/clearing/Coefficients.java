package io.tokenflow.market.clearing;

import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;

/**
 * The LP coefficients of a scenario, exactly as docs/formats.md defines them, in LP units.
 *
 * <p>LP units: token rates in M tokens/s, money in $/s. A cost in $/M tokens is then the
 * coefficient as is, the balance-row dual is the price π in $/M tokens, and objective × 3600 is
 * $/hr. Keeping rates near 1 (rather than tokens/s near 1e6) keeps the simplex well scaled.
 */
final class Coefficients {
    /** Tokens per LP rate unit. */
    static final double TOKENS_PER_UNIT = 1e6;
    static final double SECONDS_PER_HOUR = 3600;

    final int nodeCount;
    final int classCount;
    final int linkCount;
    final BandwidthModel bandwidthModel;
    /** g_j,k = p_j e_k + opex_j + opex_k ($/M tokens). */
    final double[][] processingCost;
    /** p_j e_k alone ($/M tokens). */
    final double[][] electricityCost;
    /** C_j,k (M tokens/s). */
    final double[][] capacity;
    /** d_j,k (M tokens/s). */
    final double[][] demand;
    /** ρ_k ($/M tokens), NaN for a must-serve class. */
    final double[] penalty;
    final int[] linkFrom;
    final int[] linkTo;
    /** c^route_ij alone ($/M tokens): delivery cost that no provider is paid. */
    final double[] routeCost;
    /** c_ij,k = c^route_ij + w_ij a_k ($/M tokens). */
    final double[][] routingCost;
    /** Whether class k may use link a at all: τ_a ≤ L_k (under END_TO_END its whole path must fit too). */
    final boolean[][] allowed;
    /** τ_a (ms). */
    final double[] latency;
    /** L_k (ms), +∞ for a class without a limit. */
    final double[] maxLatency;
    /**
     * Whether class k is cleared on origin paths (END_TO_END with a limit that some simple path could
     * exceed); otherwise on arc flows. A limit of at least (N − 1) × the longest link the class may use
     * cannot bind any simple path, so such a class stays on arc flows: the two are the same LP then.
     */
    final boolean[] pathClass;
    /** The scenario's scope is END_TO_END. */
    final boolean endToEnd;
    /** Link-row coefficient of class k: 1 (token-equivalent) or γ_k in GB per M tokens (transfer-aware). */
    final double[] linkWeight;
    /** B_a in M tokens/s (token-equivalent) or W_a in GB/s (transfer-aware); +∞ if no class moves data. */
    final double[] linkCapacity;

    Coefficients(Scenario scenario) {
        nodeCount = scenario.nodes().size();
        classCount = scenario.classes().size();
        linkCount = scenario.links().size();
        bandwidthModel = scenario.bandwidthModel();
        processingCost = new double[nodeCount][classCount];
        electricityCost = new double[nodeCount][classCount];
        capacity = new double[nodeCount][classCount];
        demand = scenario.demandTable();
        for (int j = 0; j < nodeCount; j++) {
            ComputeNode node = scenario.nodes().get(j);
            for (int k = 0; k < classCount; k++) {
                WorkloadClass cls = scenario.classes().get(k);
                electricityCost[j][k] = node.electricityPricePerKwh() * cls.kwhPerMTokens();
                processingCost[j][k] = electricityCost[j][k] + node.opexPerMTokens() + cls.opexPerMTokens();
                capacity[j][k] = node.capacityOf(cls.id()) / TOKENS_PER_UNIT;
                demand[j][k] /= TOKENS_PER_UNIT;
            }
        }
        penalty = new double[classCount];
        linkWeight = new double[classCount];
        double lightest = Double.POSITIVE_INFINITY;
        for (int k = 0; k < classCount; k++) {
            WorkloadClass cls = scenario.classes().get(k);
            penalty[k] = cls.unservedPenaltyPerMTokens().orElse(Double.NaN);
            linkWeight[k] = bandwidthModel == BandwidthModel.TRANSFER_AWARE ? cls.gbPerMTokens() : 1.0;
            lightest = Math.min(lightest, cls.gbPerMTokens());
        }
        java.util.Map<String, Integer> nodeIndex = new java.util.HashMap<>();
        for (int j = 0; j < nodeCount; j++) {
            nodeIndex.put(scenario.nodes().get(j).id(), j);
        }
        linkFrom = new int[linkCount];
        linkTo = new int[linkCount];
        routeCost = new double[linkCount];
        routingCost = new double[linkCount][classCount];
        allowed = new boolean[linkCount][classCount];
        latency = new double[linkCount];
        linkCapacity = new double[linkCount];
        for (int a = 0; a < linkCount; a++) {
            Link link = scenario.links().get(a);
            routeCost[a] = link.routeCostPerMTokens();
            linkFrom[a] = nodeIndex.get(link.from());
            linkTo[a] = nodeIndex.get(link.to());
            latency[a] = link.latencyMs();
            for (int k = 0; k < classCount; k++) {
                WorkloadClass cls = scenario.classes().get(k);
                routingCost[a][k] = link.routeCostPerMTokens() + link.tariffPerGb() * cls.gbPerMTokens();
                allowed[a][k] = cls.mayUse(link);
            }
            linkCapacity[a] = linkCapacity(link, lightest);
        }
        maxLatency = new double[classCount];
        pathClass = new boolean[classCount];
        endToEnd = scenario.latencyScope() == LatencyScope.END_TO_END;
        for (int k = 0; k < classCount; k++) {
            WorkloadClass cls = scenario.classes().get(k);
            maxLatency[k] = cls.maxLatencyMs().orElse(Double.POSITIVE_INFINITY);
            double longest = 0;
            for (int a = 0; a < linkCount; a++) {
                longest = allowed[a][k] ? Math.max(longest, latency[a]) : longest;
            }
            pathClass[k] = scenario.limitsWholePaths(cls) && (nodeCount - 1) * longest > maxLatency[k];
        }
    }

    /**
     * Whether class k can move tokens over link a at all: allowed by latency, and the link is not closed
     * (capacity 0), unless the class moves no data over it.
     */
    boolean carries(int a, int k) {
        return allowed[a][k] && (linkWeight[k] == 0 || linkCapacity[a] > 0);
    }

    /** Whether a path of this summed latency fits class k's limit (to 1e-9 ms, the same rule everywhere). */
    boolean withinLimit(double latencyMs, int k) {
        return latencyMs <= maxLatency[k] + LATENCY_TOLERANCE_MS;
    }

    /** Summed latencies are compared with limits to this, so that 60 + 40 fits 100 whatever the rounding. */
    static final double LATENCY_TOLERANCE_MS = 1e-9;

    private int[][] outArcs;

    /** For each node, the indices of the links leaving it (every link, whatever the class). */
    int[][] outArcs() {
        if (outArcs == null) {
            int[] count = new int[nodeCount];
            for (int a = 0; a < linkCount; a++) {
                count[linkFrom[a]]++;
            }
            int[][] out = new int[nodeCount][];
            for (int j = 0; j < nodeCount; j++) {
                out[j] = new int[count[j]];
                count[j] = 0;
            }
            for (int a = 0; a < linkCount; a++) {
                out[linkFrom[a]][count[linkFrom[a]]++] = a;
            }
            outArcs = out;
        }
        return outArcs;
    }

    boolean anyPathClass() {
        for (boolean p : pathClass) {
            if (p) {
                return true;
            }
        }
        return false;
    }

    /** B = W / a with a the lightest class's GB per M tokens, or W itself when transfer-aware. */
    private double linkCapacity(Link link, double lightestGbPerMTokens) {
        double gbPerSecond = link.capacityGbPerSecond();
        if (bandwidthModel == BandwidthModel.TRANSFER_AWARE) {
            return gbPerSecond;
        }
        // a class that moves no data makes token-equivalent capacity unbounded (B = W / 0)
        return lightestGbPerMTokens == 0 ? Double.POSITIVE_INFINITY : gbPerSecond / lightestGbPerMTokens;
    }

    boolean hasPenalty(int k) {
        return !Double.isNaN(penalty[k]);
    }
}
