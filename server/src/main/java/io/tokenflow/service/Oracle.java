package io.tokenflow.service;

import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.solution.ServingShare;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An oracle as the API serves it, in either role, thread-safe: a {@link LeaderOracle} that clears the
 * market and takes updates, or a {@link ReplicaOracle} that answers from its leader's versions and
 * refuses updates. Both answer every read from their {@link PublishedMarket} (the defaults here pass
 * the reads on to it), so a server holds an {@code Oracle} and never asks which role it serves.
 */
public sealed interface Oracle extends AutoCloseable permits LeaderOracle, ReplicaOracle {

    /** The read side every answer comes from. */
    PublishedMarket market();

    /**
     * Validates a batch and queues it for the next re-clear, all or nothing, without blocking; the
     * future completes when the batch may be acknowledged. Validation errors are thrown at once.
     *
     * @throws ReadReplicaException on a read replica (it names the leader that takes updates)
     * @see LeaderOracle#submitAsync
     */
    CompletableFuture<UpdateReceipt> submitAsync(List<? extends MarketUpdate> updates);

    /** Stops the role's work, fails every wait with {@link OracleUnavailableException}. */
    @Override
    void close();

    /** Whether a version has been published (a replica has none until it adopts its first). */
    default boolean ready() {
        return market().ready();
    }

    /** @throws OracleUnavailableException on a read replica that has no version yet */
    default MarketState state() {
        return market().state();
    }

    default OracleConfig config() {
        return market().config();
    }

    /** @see PublishedMarket#quote */
    default Quote quote(String origin, String classId) {
        return market().quote(origin, classId);
    }

    /** @see PublishedMarket#feasibleSites */
    default FeasibleSites feasibleSites(String origin, String classId) {
        return market().feasibleSites(origin, classId);
    }

    /** @see PublishedMarket#route */
    default RouteDecision route(String origin, String classId, String requestId, Collection<String> excludedNodes) {
        return market().route(origin, classId, requestId, excludedNodes);
    }

    /** @see PublishedMarket#splits */
    default Map<String, OriginSplit> splits(MarketSnapshot snapshot, String classId) {
        return market().splits(snapshot, classId);
    }

    /** @see PublishedMarket#servingSplit */
    default Map<String, List<ServingShare>> servingSplit(MarketSnapshot snapshot, String classId) {
        return market().servingSplit(snapshot, classId);
    }

    /** @see PublishedMarket#settlements */
    default List<SettlementRecord> settlements(long fromVersion, long toVersion) {
        return market().settlements(fromVersion, toVersion);
    }

    /** @see PublishedMarket#versionInForceAt */
    default long versionInForceAt(Instant time) {
        return market().versionInForceAt(time);
    }

    /** @see PublishedMarket#settlementStream */
    default SettlementStream settlementStream(long fromVersion, long toVersion) {
        return market().settlementStream(fromVersion, toVersion);
    }

    /** @see PublishedMarket#priceHistory */
    default OriginPriceHistory priceHistory(String origin, String classId, Instant since) {
        return market().priceHistory(origin, classId, since);
    }

    /** @see PublishedMarket#priceHistory(String, String, Instant, long, int) */
    default OriginPriceHistory priceHistory(String origin, String classId, Instant since, long fromVersion, int limit) {
        return market().priceHistory(origin, classId, since, fromVersion, limit);
    }

    /** @see PublishedMarket#whenCleared */
    default CompletableFuture<MarketState> whenCleared(long version) {
        return market().whenCleared(version);
    }

    /** @see PublishedMarket#subscribe */
    default Runnable subscribe(Consumer<MarketState> listener) {
        return market().subscribe(listener);
    }

    /**
     * The revenue-optimal tier menu of {@code request}'s population at π(origin, class) of the version
     * published now.
     *
     * @throws io.tokenflow.market.menu.InvalidMenuException a population that breaks the menu format
     */
    default PricedMenu tierMenu(io.tokenflow.market.menu.MenuRequest request) {
        return MenuPricing.price(market(), request);
    }
}
