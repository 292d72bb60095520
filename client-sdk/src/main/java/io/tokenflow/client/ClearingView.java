package io.tokenflow.client;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One whole clearing of the market, as the oracle published it: every price with its decomposition, the
 * dispatch, rents, unserved demand and settlement totals (the clearing-result format, docs/formats.md).
 * Units: token rates in tokens/s, prices and rents in $/M tokens (link rents in $/GB under
 * TRANSFER_AWARE), money in $/hr.
 */
public record ClearingView(
        String scenario,
        Status status,
        BandwidthModel bandwidthModel,
        LatencyScope latencyScope,
        OptionalDouble objectivePerHour,
        List<Price> prices,
        List<Processing> processing,
        List<Flow> flows,
        List<PathFlow> pathFlows,
        List<Link> links,
        List<Unserved> unserved,
        Optional<SettlementTotals> settlement,
        Optional<Diagnosis> diagnosis) {

    public ClearingView {
        prices = List.copyOf(prices);
        processing = List.copyOf(processing);
        flows = List.copyOf(flows);
        pathFlows = List.copyOf(pathFlows);
        links = List.copyOf(links);
        unserved = List.copyOf(unserved);
    }

    public enum Status { OPTIMAL, INFEASIBLE }

    /** How link capacity is counted: in tokens of the lightest class, or in GB/s with per-class sizes. */
    public enum BandwidthModel { TOKEN_EQUIVALENT, TRANSFER_AWARE }

    /** What a class's latency limit bounds: the whole path from origin to site, or each link on its own. */
    public enum LatencyScope { END_TO_END, PER_LINK }

    /**
     * π of one node × class: {@code pricePerMTokens = energy + scarcity + routing + congestion + unservedPenalty}.
     *
     * @param servingNode     where the marginal unit is served; empty where it goes unserved
     * @param path            node ids from {@code node} to the serving node
     * @param electricityCost the electricity part of {@code energy}
     * @param opexCost        the operating-cost part of {@code energy}
     */
    public record Price(String node, String workloadClass, double pricePerMTokens, double energy, double scarcity,
            double routing, double congestion, double unservedPenalty, Optional<String> servingNode,
            List<String> path, double electricityCost, double opexCost) {
        public Price {
            path = List.copyOf(path);
        }
    }

    /** What one node processes of one class, its capacity, and the scarcity rent μ on it. */
    public record Processing(String node, String workloadClass, double tokensPerSecond,
            double capacityTokensPerSecond, double scarcityRent) {}

    /** A positive flow of one class over one directed link. */
    public record Flow(String fromNode, String toNode, String workloadClass, double tokensPerSecond) {}

    /**
     * Tokens of one origin and class along one path to the node that processes them; {@code latencyMs} is
     * the path's summed link latency (within the class's limit under END_TO_END).
     */
    public record PathFlow(String origin, String workloadClass, List<String> path, double tokensPerSecond,
            double latencyMs) {
        public PathFlow {
            path = List.copyOf(path);
        }
    }

    /** One directed link: its congestion rent η, utilisation and the traffic it carries. */
    public record Link(String fromNode, String toNode, double congestionRent, double utilization,
            double tokensPerSecond, double gbPerSecond) {}

    /** Demand of one origin × class the clearing leaves unserved. */
    public record Unserved(String node, String workloadClass, double tokensPerSecond) {}

    /** Why must-serve demand cannot be met (INFEASIBLE). */
    public record Diagnosis(String message, List<Shortfall> shortfalls) {
        public Diagnosis {
            shortfalls = List.copyOf(shortfalls);
        }
    }

    /** One class's shortfall, and where one least-shortfall dispatch leaves it. */
    public record Shortfall(String workloadClass, double demandTokensPerSecond, double shortfallTokensPerSecond,
            List<String> shortOrigins, List<String> exhaustedNodes, List<String> bottleneckLinks,
            List<String> constrainedOrigins) {
        public Shortfall {
            shortOrigins = List.copyOf(shortOrigins);
            exhaustedNodes = List.copyOf(exhaustedNodes);
            bottleneckLinks = List.copyOf(bottleneckLinks);
            constrainedOrigins = List.copyOf(constrainedOrigins);
        }
    }
}
