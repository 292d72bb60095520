package io.tokenflow.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A read replica: answers from the versions of its leader that it is handed ({@link #adopt}), has no
 * solver, and refuses updates with {@link ReadReplicaException}; thread-safe (reads never lock; adopt
 * and markStale take the replica's lock, which makes them the market's single writer).
 *
 * <p>Until the first version is adopted it has none: reads fail with {@link OracleUnavailableException}
 * naming the leader. Something else (the follower in the cli module) watches the leader and calls
 * {@link #adopt} and {@link #markStale}.
 */
public final class ReplicaOracle implements Oracle {
    private final OracleConfig config;
    private final String leader;
    private final PublishedMarket market;

    private ReplicaOracle(OracleConfig config, MeterRegistry meters, String leader) {
        this.config = config;
        this.leader = leader;
        this.market = new PublishedMarket(config, meters,
                "this read replica has no market version yet from its leader " + leader);
    }

    /**
     * A read replica of {@code leader} (HOST:PORT, named in the refusal of updates and in the answer to
     * reads before the first version) with no version yet.
     */
    public static ReplicaOracle following(OracleConfig config, MeterRegistry meters, String leader) {
        Objects.requireNonNull(leader, "leader");
        if (leader.isBlank()) {
            throw new IllegalArgumentException("leader must name the leader (HOST:PORT), got '" + leader + "'");
        }
        return new ReplicaOracle(Objects.requireNonNull(config, "config"), Objects.requireNonNull(meters, "meters"),
                leader);
    }

    /** The leader this replica follows, HOST:PORT. */
    public String leader() {
        return leader;
    }

    @Override
    public PublishedMarket market() {
        return market;
    }

    /**
     * Publishes the leader's version as is (its clear time, scenario and OPTIMAL result) if it is newer
     * than the one held; the same version again only clears staleness; an older one is ignored. Returns
     * whether the state changed.
     *
     * @throws ReclearFailedException if {@code result} is not OPTIMAL (nothing changes)
     */
    public synchronized boolean adopt(long version, Instant clearedAt, Scenario scenario, ClearingResult result) {
        PublishedMarket.requireOptimal(result);
        MarketState current = market.latest();
        if (current != null && version < current.version()) {
            return false;
        }
        if (current != null && version == current.version()) {
            if (!current.stale()) {
                return false;
            }
            market.restate(new MarketState(current.snapshot(), Optional.empty()));
            return true;
        }
        market.publish(version, clearedAt, scenario, result, VersionCauses.LEADER);
        return true;
    }

    /**
     * Keeps answering from the version held, marked stale for {@code reason} since now; no-op before the
     * first version and while already stale (the first reason and time stand).
     */
    public synchronized void markStale(String reason) {
        MarketState current = market.latest();
        if (current == null || current.stale()) {
            return;
        }
        market.restate(current.markedStale(new MarketState.Staleness(config.clock().instant(), reason)));
    }

    /**
     * Refuses every batch: updates go to the leader.
     *
     * @throws ReadReplicaException always, naming the leader
     */
    @Override
    public CompletableFuture<UpdateReceipt> submitAsync(List<? extends MarketUpdate> updates) {
        throw new ReadReplicaException(leader);
    }

    /**
     * Fails every wait with {@link OracleUnavailableException}; there is no solver or thread to stop (the
     * follower that calls {@link #adopt} is closed by whoever started it).
     */
    @Override
    public void close() {
        market.close();
    }
}
