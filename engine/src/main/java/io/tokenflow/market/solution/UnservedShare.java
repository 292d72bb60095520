package io.tokenflow.market.solution;

/**
 * How much of one origin × class's demand an OPTIMAL clearing leaves unserved (y_j,k of d_j,k), so a
 * router can shed that share up front instead of queueing it where no capacity is left for it.
 *
 * @param origin                  the node where the demand arises
 * @param classId                 its class
 * @param demandTokensPerSecond   d_j,k
 * @param unservedTokensPerSecond y_j,k, at most d_j,k
 */
public record UnservedShare(String origin, String classId, double demandTokensPerSecond,
        double unservedTokensPerSecond) {

    public UnservedShare {
        if (!(demandTokensPerSecond >= 0) || !Double.isFinite(demandTokensPerSecond)) {
            throw new IllegalArgumentException("demand of " + origin + "/" + classId
                    + " must be finite and >= 0, got " + demandTokensPerSecond);
        }
        if (!(unservedTokensPerSecond >= 0) || unservedTokensPerSecond > demandTokensPerSecond) {
            throw new IllegalArgumentException("unserved tokens of " + origin + "/" + classId + " must be in [0, "
                    + demandTokensPerSecond + "] (the demand), got " + unservedTokensPerSecond);
        }
    }

    /** y / d: the share of the origin's demand that goes unserved; 0 where it has no demand. */
    public double share() {
        return unservedTokensPerSecond == 0 ? 0 : unservedTokensPerSecond / demandTokensPerSecond;
    }

    /** Whether some of the demand goes unserved. */
    public boolean any() {
        return unservedTokensPerSecond > 0;
    }
}
