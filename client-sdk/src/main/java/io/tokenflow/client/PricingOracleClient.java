package io.tokenflow.client;

import java.util.Collection;
import java.util.List;

/**
 * A client of one TokenFlow pricing oracle ({@code tokenflow.v1.PricingOracle}).
 *
 * <p>By default it keeps a local price table current through {@code WatchPrices} (reconnecting with
 * backoff), so {@link #quote} and {@link #route} answer from memory, without a network call, while the
 * table is fresh; when the stream is down they call the oracle, and when that fails too they answer
 * from the last table, flagged stale. Thread-safe; create one per oracle and share it.
 */
public interface PricingOracleClient extends AutoCloseable {

    static PricingOracleClientBuilder builder() {
        return new PricingOracleClientBuilder();
    }

    /**
     * The price of one more M tokens of {@code workloadClass} at {@code origin}.
     *
     * @throws OracleNotFoundException   unknown origin or class
     * @throws OracleUnavailableException no fresh table, the oracle unreachable and no table to fall back on
     */
    OracleQuote quote(String origin, String workloadClass);

    /**
     * Where to send one request: drawn from the cleared flow split by {@code requestId}, exactly as the
     * oracle's Route does (the same id gets the same site from the SDK and from the server).
     */
    OracleRoute route(String origin, String workloadClass, String requestId);

    /**
     * Where to send one request avoiding {@code excludeNodes} (say, a site that just failed): the cheapest
     * remaining feasible site by delivered cost. Always asks the oracle, which knows the delivered costs.
     *
     * @throws OracleNoSiteException no feasible site remains
     */
    OracleRoute route(String origin, String workloadClass, String requestId, Collection<String> excludeNodes);

    /** Every site the class may reach from the origin, cheapest delivered cost first (asks the oracle). */
    List<OracleSite> feasibleSites(String origin, String workloadClass);

    /** Sets capacities, all or nothing; with {@code waitForClear}, returns once the version including them is cleared. */
    UpdateAck updateCapacity(List<CapacityChange> changes, boolean waitForClear);

    /** Sets demands, all or nothing; see {@link #updateCapacity}. */
    UpdateAck updateDemand(List<DemandChange> changes, boolean waitForClear);

    /** The oracle's whole current market (asks the oracle). */
    MarketView market();

    /** The local price table: its version, age, and whether the watch stream is connected. */
    TableStatus tableStatus();

    /** Stops the watch stream and, if the client made its channel, shuts it down. */
    @Override
    void close();
}
