package io.tokenflow.client;

import java.util.List;

/**
 * Where one request goes, or that the market does not serve it.
 *
 * @param servingNode     the site; empty when {@code reason} is {@link Reason#UNSERVED}
 * @param path            node ids from the origin to the site; empty when not served
 * @param pricePerMTokens the origin's price (what the request is billed)
 * @param clearedShare    the share of the origin's served tokens the cleared split sends to the site
 * @param latencyMs       Σ link latency along {@code path}, ms (within the class's limit under END_TO_END)
 * @param unservedHint    what to do with a request that is not served; {@link UnservedHint#NONE} when it is
 * @param unservedShare   the share of the origin's demand of the class the cleared market leaves unserved:
 *                        the probability that a request id is shed
 */
public record OracleRoute(
        String servingNode,
        List<String> path,
        double pricePerMTokens,
        long marketVersion,
        Reason reason,
        double clearedShare,
        double latencyMs,
        UnservedHint unservedHint,
        double unservedShare,
        boolean stale,
        AnswerSource source) {

    public OracleRoute {
        path = List.copyOf(path);
        if ((reason == Reason.UNSERVED) != servingNode.isEmpty()
                || (reason == Reason.UNSERVED) == (unservedHint == UnservedHint.NONE)) {
            throw new IllegalArgumentException("a route names a site and no hint unless it is UNSERVED, got " + reason
                    + " with site '" + servingNode + "' and hint " + unservedHint);
        }
    }

    /** Whether the request has a site (it is not {@link Reason#UNSERVED}). */
    public boolean served() {
        return reason != Reason.UNSERVED;
    }

    /** This answer from a table that is no longer fresh. */
    OracleRoute fromStaleTable() {
        return new OracleRoute(servingNode, path, pricePerMTokens, marketVersion, reason, clearedShare, latencyMs,
                unservedHint, unservedShare, true, AnswerSource.STALE_TABLE);
    }

    public enum Reason {
        /** Drawn from the cleared flow split by the request id. */
        CLEARED_SPLIT,
        /** The origin has no demand of the class: the site of its marginal unit. */
        MARGINAL_SITE,
        /** Sites were excluded (or no split exists): the cheapest remaining feasible one with spare capacity. */
        CHEAPEST_REMAINING,
        /**
         * Not served: the request id drew the share of the origin's demand the cleared market leaves unserved,
         * or the exclusions leave no site with spare capacity. See {@link #unservedHint}.
         */
        UNSERVED
    }

    /** What a router should do with a request the market does not serve (docs/oracle.md, "Shortage"). */
    public enum UnservedHint {
        /** The request is served. */
        NONE,
        /** The class has a latency limit, which waiting would break: refuse the request now. */
        SHED,
        /**
         * The class has no latency limit: hold the request at the origin and offer it again at a later
         * version (when the origin's unserved share falls); bound the wait, since in a steady shortage held
         * requests only grow.
         */
        QUEUE
    }
}
