package io.tokenflow.client;

/** The capacity of the directed link fromNode → toNode := capacityGbps, Gbps. */
public record LinkCapacityChange(String fromNode, String toNode, double capacityGbps) {}
