package io.tokenflow.market.solution;

/** y_j,k: demand of one class at one origin that the clearing leaves unserved (tokens/s). */
public record UnservedDemand(String node, String classId, double tokensPerSecond) {}
