package io.tokenflow.client;

/** d_origin,class := tokensPerSecond. */
public record DemandChange(String origin, String workloadClass, double tokensPerSecond) {}
