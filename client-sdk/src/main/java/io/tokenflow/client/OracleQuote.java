package io.tokenflow.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A price with its eq. 9 decomposition: {@code price = energy + scarcity + routing + congestion + unservedPenalty}.
 *
 * @param servingNode the node serving the marginal unit; empty when it goes unserved
 * @param path        node ids from the origin to the serving node
 * @param stale       the oracle's last re-clear failed, or this answer comes from a table that is no longer fresh
 * @param source      where the answer came from
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
        long marketVersion,
        Instant clearedAt,
        boolean stale,
        AnswerSource source) {

    public OracleQuote {
        path = List.copyOf(path);
    }
}
