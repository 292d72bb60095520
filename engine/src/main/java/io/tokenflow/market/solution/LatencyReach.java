package io.tokenflow.market.solution;

import java.util.Optional;

/**
 * How close an origin left short of an END_TO_END class comes to capacity: the least-latency path to a
 * node with capacity for the class, over the links the class may use, whatever its limit.
 *
 * @param origin      the short origin
 * @param nearestSite the node with capacity that path reaches; empty if none can be reached at all
 * @param latencyMs   Σ τ along that path (+∞ when none); above {@code limitMs}, no capacity is within reach
 * @param limitMs     the class's end-to-end limit L_k
 */
public record LatencyReach(String origin, Optional<String> nearestSite, double latencyMs, double limitMs) {}
