package io.tokenflow.market.solution;

/**
 * x_j,k, the token rate of one class processed at one node, with its capacity and rent.
 *
 * @param scarcityRent μ_j,k ≥ 0 ($/M tokens): what one more unit of capacity here would save
 */
public record ProcessingLevel(
        String node, String classId, double tokensPerSecond, double capacityTokensPerSecond, double scarcityRent) {}
