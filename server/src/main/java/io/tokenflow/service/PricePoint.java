package io.tokenflow.service;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The price of one origin × class at one retained version, as Quote answered it then, with why the
 * version was made.
 *
 * @param version         the market version
 * @param clearedAt       when the version was published
 * @param price           π, $/M tokens = energy + scarcity + routing + congestion + unservedPenalty
 * @param energy          processing cost at the serving node
 * @param scarcity        compute-scarcity rent at the serving node
 * @param routing         routing cost along the path
 * @param congestion      congestion rent along the path
 * @param unservedPenalty ρ where the marginal unit went unserved, else 0
 * @param servingNode     the node that served the marginal unit; empty when it went unserved
 * @param causes          the updates the version includes (shared by every origin × class of the version)
 */
public record PricePoint(
        long version,
        Instant clearedAt,
        double price,
        double energy,
        double scarcity,
        double routing,
        double congestion,
        double unservedPenalty,
        Optional<String> servingNode,
        VersionCauses causes) {

    public PricePoint {
        Objects.requireNonNull(clearedAt, "clearedAt");
        Objects.requireNonNull(servingNode, "servingNode");
        Objects.requireNonNull(causes, "causes");
    }
}
