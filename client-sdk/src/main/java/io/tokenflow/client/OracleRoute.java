package io.tokenflow.client;

import java.util.List;

/**
 * Where one request goes.
 *
 * @param pricePerMTokens the origin's price (what the request is billed)
 * @param clearedShare    the share of the origin's served tokens the cleared split sends to the site
 */
public record OracleRoute(
        String servingNode,
        List<String> path,
        double pricePerMTokens,
        long marketVersion,
        Reason reason,
        double clearedShare,
        boolean stale,
        AnswerSource source) {

    public OracleRoute {
        path = List.copyOf(path);
    }

    public enum Reason {
        /** Drawn from the cleared flow split by the request id. */
        CLEARED_SPLIT,
        /** The origin serves nothing of the class: the site of its marginal unit. */
        MARGINAL_SITE,
        /** Sites were excluded (or no split exists): the cheapest remaining feasible one. */
        CHEAPEST_REMAINING
    }
}
