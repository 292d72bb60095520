package io.tokenflow.market.solution;

import java.util.List;

/**
 * How much must-serve demand of one class cannot be met, and what holds it back.
 *
 * @param demandTokensPerSecond    Σ_j d_j,k
 * @param shortfallTokensPerSecond the least total that must go unserved (phase-1 optimum for this class)
 * @param constrainedOrigins       origins whose demand, taken together, exceeds all the capacity they can
 *                                 reach (the support of the Farkas certificate): the region that is short
 * @param shortOrigins             where one least-shortfall dispatch leaves the shortfall (one choice of many)
 * @param exhaustedNodes           nodes whose capacity for the class is a binding limit
 * @param bottleneckLinks          links ({@code from->to}) whose bandwidth is a binding limit
 * @param latencyReach             END_TO_END classes: for each short origin, its best reachable latency to
 *                                 capacity; empty for classes cleared on arcs
 */
public record ClassShortfall(
        String classId,
        double demandTokensPerSecond,
        double shortfallTokensPerSecond,
        List<String> constrainedOrigins,
        List<UnservedDemand> shortOrigins,
        List<String> exhaustedNodes,
        List<String> bottleneckLinks,
        List<LatencyReach> latencyReach) {

    public ClassShortfall {
        latencyReach = List.copyOf(latencyReach);
        constrainedOrigins = List.copyOf(constrainedOrigins);
        shortOrigins = List.copyOf(shortOrigins);
        exhaustedNodes = List.copyOf(exhaustedNodes);
        bottleneckLinks = List.copyOf(bottleneckLinks);
    }
}
