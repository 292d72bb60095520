package io.tokenflow.market.solution;

/**
 * One directed link at the clearing point.
 *
 * @param congestionRent   η_ij ≥ 0: $/M tokens (token-equivalent) or $/GB (transfer-aware)
 * @param utilization      load / capacity in the bandwidth model's own units (1 = saturated)
 * @param tokensPerSecond  Σ_k f_ij,k
 * @param gbPerSecond      Σ_k γ_k f_ij,k, the physical data rate
 */
public record LinkState(
        String from, String to, double congestionRent, double utilization, double tokensPerSecond,
        double gbPerSecond) {}
