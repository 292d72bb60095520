package io.tokenflow.market.model;

/**
 * d_j,k: the useful token rate of one class requested at one origin.
 *
 * @param origin          origin node id
 * @param classId         workload class id
 * @param tokensPerSecond requested rate, tokens/s
 */
public record Demand(String origin, String classId, double tokensPerSecond) {

    public Demand {
        Checks.id("demand ", "origin", origin);
        Checks.id("demand ", "class", classId);
        Checks.nonNegative("demand origin '" + origin + "' class '" + classId + "' ", "tokensPerSecond",
                tokensPerSecond);
    }
}
