package io.tokenflow.client;

/** C_node,class := tokensPerSecond. */
public record CapacityChange(String node, String workloadClass, double tokensPerSecond) {}
