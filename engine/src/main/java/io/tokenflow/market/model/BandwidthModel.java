package io.tokenflow.market.model;

/** How link capacity is counted in the clearing LP. */
public enum BandwidthModel {
    /**
     * Paper eq. (1d): Σ_k f_ij,k ≤ B_ij in tokens, with B_ij = W_ij / a and a the lightest class's
     * GB per token. Compact, but optimistic for data-heavy classes.
     */
    TOKEN_EQUIVALENT,
    /** Paper eq. (10d): Σ_k γ_k f_ij,k ≤ W_ij in GB/s; congestion rents are in $/GB. */
    TRANSFER_AWARE
}
