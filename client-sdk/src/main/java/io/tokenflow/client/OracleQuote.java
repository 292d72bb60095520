package io.tokenflow.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A price with its eq. 9 decomposition: {@code price = energy + scarcity + routing + congestion + unservedPenalty}.
 *
 * @param servingNode             the node serving the marginal unit; empty when it goes unserved
 * @param path                    node ids from the origin to the serving node
 * @param demandTokensPerSecond   the origin's demand of the class
 * @param unservedTokensPerSecond the part of it the cleared market leaves unserved
 * @param unservedShare           unserved / demand (0 without demand): the share of request ids Route sheds
 * @param stale                   the oracle's last re-clear failed, or this answer comes from a table that is no
 *                                longer fresh
 * @param source                  where the answer came from
 */
public record OracleQuote(
        String origin,
        String workloadClass,
        double pricePerMTokens,
        Optional<String> servingNode,
        List<String> path,
        double energy,
        double scarcity,
        double routing,
        double congestion,
        double unservedPenalty,
        double demandTokensPerSecond,
        double unservedTokensPerSecond,
        double unservedShare,
        long marketVersion,
        Instant clearedAt,
        boolean stale,
        AnswerSource source) {

    public OracleQuote {
        path = List.copyOf(path);
    }

    /** This answer from a table that is no longer fresh. */
    OracleQuote fromStaleTable() {
        return new OracleQuote(origin, workloadClass, pricePerMTokens, servingNode, path, energy, scarcity, routing,
                congestion, unservedPenalty, demandTokensPerSecond, unservedTokensPerSecond, unservedShare,
                marketVersion, clearedAt, true, AnswerSource.STALE_TABLE);
    }
}
