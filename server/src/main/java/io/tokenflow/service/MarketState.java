package io.tokenflow.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What readers see: the last good snapshot and whether a later re-clear has failed since. Swapped
 * whole behind an AtomicReference, so a reader that takes it once sees one consistent version.
 *
 * @param staleness present while the newest inputs could not be cleared: answers come from
 *                  {@code snapshot}, which is then older than the inputs
 */
public record MarketState(MarketSnapshot snapshot, Optional<Staleness> staleness) {

    /** Why and since when the market is stale. */
    public record Staleness(Instant since, String reason) {}

    public long version() {
        return snapshot.version();
    }

    public boolean stale() {
        return staleness.isPresent();
    }

    /** How long ago the snapshot was cleared (0 if the clock runs behind it). */
    public Duration age(Instant now) {
        Duration age = Duration.between(snapshot.clearedAt(), now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    MarketState markedStale(Staleness why) {
        return new MarketState(snapshot, Optional.of(why));
    }
}
