package io.tokenflow.service;

import io.tokenflow.market.solution.SettlementStatement;
import java.time.Instant;
import java.util.Optional;

/**
 * The settlement of one cleared version, in force from {@code clearedAt} until {@code supersededAt}
 * (absent while it is the current version): billing multiplies its $/hr lines by that time.
 */
public record SettlementRecord(
        long version, Instant clearedAt, Optional<Instant> supersededAt, SettlementStatement statement) {

    SettlementRecord supersededAt(Instant when) {
        return new SettlementRecord(version, clearedAt, Optional.of(when), statement);
    }
}
