package io.tokenflow.market.solution;

/** f_ij,k > 0: the token rate of one class routed over one directed link. */
public record ArcFlow(String from, String to, String classId, double tokensPerSecond) {}
