package io.tokenflow.market.model;

/** What a workload class's latency limit {@code maxLatencyMs} bounds. */
public enum LatencyScope {
    /**
     * The whole path: every path that carries or prices class k, from the origin to the serving node,
     * has Σ latency ≤ L_k. The clearing keeps the flow of such a class per origin path.
     */
    END_TO_END,
    /**
     * Each link on its own (the paper's rule, §2.1-2.2: f_ij,k = 0 when τ_ij > L_k): a path of several
     * links, each within the limit, may exceed it in total.
     */
    PER_LINK
}
