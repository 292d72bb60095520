package io.tokenflow.client;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * A client of one TokenFlow pricing oracle ({@code tokenflow.v1.PricingOracle}).
 *
 * <p>By default it keeps a local price table current through {@code WatchPrices} (reconnecting with
 * backoff), so {@link #quote} and {@link #route} answer from memory, without a network call, while the
 * table is fresh; when the stream is down they call the oracle, and when that fails too they answer
 * from the last table, flagged stale. Thread-safe; create one per oracle and share it.
 *
 * <p><b>Thread-safety.</b> Every method may be called concurrently from any number of threads. The local
 * table is an immutable snapshot swapped atomically as each WatchPrices message arrives: readers never
 * lock, never see a mix of two versions, and (within one watch stream) never see the version go back.
 *
 * <p><b>Fresh.</b> The table is fresh while the watch stream is connected and its last message arrived at
 * most {@link PricingOracleClientBuilder#maxTableAge} ago by the builder's clock. The age counts from the
 * message's arrival, not from the version's clearing time, because the oracle sends a table only when
 * the version (or its stale flag) changes: an old {@code clearedAt} on a quiet market is still current.
 * A fresh table answers {@link #quote} and {@link #route(String, String, String)} locally
 * ({@link AnswerSource#LOCAL_TABLE}); unknown ids then fail locally with the oracle's own NOT_FOUND message.
 *
 * <p><b>Retries.</b> One layer only: gRPC's retry policy in the service config of a channel the client
 * makes itself ({@link PricingOracleClientBuilder#target}): up to 3 attempts on UNAVAILABLE for Quote,
 * Route, FeasibleSites, GetMarket, PriceHistory, TierMenu and the four updates (updates set values, so repeating
 * one is harmless). A channel passed in with {@link PricingOracleClientBuilder#channel} keeps its owner's
 * settings. The watch stream reconnects with exponential backoff ({@link PricingOracleClientBuilder#backoff}).
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
     * oracle's Route does (the same id gets the same answer from the SDK and from the server). Where the
     * cleared market leaves a share of the origin's demand unserved, that share of ids is shed
     * ({@link OracleRoute.Reason#UNSERVED}: no site, and a hint what to do with the request).
     */
    OracleRoute route(String origin, String workloadClass, String requestId);

    /**
     * Where to send one request avoiding {@code excludeNodes} (say, a site that just failed): the cheapest
     * remaining feasible site with spare capacity in the cleared market, by delivered cost; UNSERVED when the
     * id draws the origin's unserved share or every remaining site is full. Always asks the oracle, which
     * knows the delivered costs and spare capacities.
     *
     * @throws OracleNoSiteException no feasible site remains
     */
    OracleRoute route(String origin, String workloadClass, String requestId, Collection<String> excludeNodes);

    /**
     * Every site the class may reach from the origin, cheapest delivered cost first, with how much of the
     * origin's demand the cleared market leaves unserved (asks the oracle).
     */
    FeasibleSitesView feasibleSitesView(String origin, String workloadClass);

    /** The sites of {@link #feasibleSitesView}: every site the class may reach, cheapest delivered cost first. */
    default List<OracleSite> feasibleSites(String origin, String workloadClass) {
        return feasibleSitesView(origin, workloadClass).sites();
    }

    /** Sets capacities, all or nothing; with {@code waitForClear}, returns once the version including them is cleared. */
    UpdateAck updateCapacity(List<CapacityChange> changes, boolean waitForClear);

    /** Sets demands, all or nothing; see {@link #updateCapacity}. */
    UpdateAck updateDemand(List<DemandChange> changes, boolean waitForClear);

    /** Sets electricity prices p of nodes, $/kWh, all or nothing; see {@link #updateCapacity}. */
    UpdateAck updateElectricityPrice(List<ElectricityPriceChange> changes, boolean waitForClear);

    /** Sets the capacity of directed links, Gbps, all or nothing; see {@link #updateCapacity}. */
    UpdateAck updateLinkCapacity(List<LinkCapacityChange> changes, boolean waitForClear);

    /**
     * The oracle's whole current version (asks the oracle): its prices, capacities and demands, the whole
     * clearing result and the scenario in force.
     */
    MarketView market();

    /**
     * Hands {@code sink} the settlement record of every retained version in {@code [fromVersion, toVersion]},
     * oldest first, as the oracle streams them (0 for {@code fromVersion}: the oldest retained; 0 for
     * {@code toVersion}: the current one). The whole export must finish within the client's
     * {@linkplain PricingOracleClientBuilder#deadline deadline}. A sink that throws ends the export (the
     * stream is cancelled) and its exception propagates. To resume later without missing or repeating a
     * version, start the next export at {@link SettlementExport#nextFromVersion}.
     *
     * @throws OracleInvalidArgumentException OUT_OF_RANGE: a version outside those retained (the message
     *                                        says which are)
     */
    SettlementExport exportSettlement(long fromVersion, long toVersion, java.util.function.Consumer<SettlementView> sink);

    /**
     * As {@link #exportSettlement(long, long, java.util.function.Consumer)}, starting at the version in force
     * at {@code fromTime} (cleared at or before it, superseded after it), for exports by time window: a
     * version in force across two windows is in both (prorate it by its {@code clearedAt} and
     * {@code supersededAt}); resume by version for exactly-once.
     *
     * @throws OracleInvalidArgumentException OUT_OF_RANGE: the version in force then is no longer retained
     */
    SettlementExport exportSettlement(Instant fromTime, long toVersion, java.util.function.Consumer<SettlementView> sink);

    /**
     * The price of {@code workloadClass} at {@code origin} at each version the oracle retains that was
     * cleared at or after {@code since} (null: every one), oldest first, with what made each version
     * (asks the oracle). Walks every page ({@link #priceHistoryPage}), each one call within the client's
     * deadline and under gRPC's default 4 MiB message limit, so a history of any length arrives; versions
     * cleared during the walk are included, none twice. The oldest retained version is the last page's.
     *
     * @throws OracleNotFoundException        unknown origin or class
     * @throws OracleInvalidArgumentException OUT_OF_RANGE: the oracle dropped versions the walk had still
     *                                        to read (more were cleared during it than it retains); walk again
     */
    default PriceHistoryView priceHistory(String origin, String workloadClass, Instant since) {
        return priceHistory(origin, workloadClass, since, true);
    }

    /**
     * As {@link #priceHistory(String, String, Instant)}; without {@code withCauses} each point's
     * {@link PriceHistoryView.Point#causes} is empty (its one-line {@code cause} stays), which makes a busy
     * history a small fraction of the bytes.
     */
    default PriceHistoryView priceHistory(String origin, String workloadClass, Instant since, boolean withCauses) {
        java.util.List<PriceHistoryView.Point> points = new java.util.ArrayList<>();
        PriceHistoryPage page = priceHistoryPage(origin, workloadClass, since, 0, "", withCauses);
        points.addAll(page.history().points());
        while (!page.last()) {
            page = priceHistoryPage(origin, workloadClass, since, 0, page.nextPageToken(), withCauses);
            points.addAll(page.history().points());
        }
        PriceHistoryView last = page.history();
        return new PriceHistoryView(last.origin(), last.workloadClass(), points, last.oldestRetainedVersion(),
                last.oldestRetainedAt());
    }

    /**
     * One page of {@link #priceHistory}: at most {@code pageSize} points (0: the oracle's default, 1000; it
     * sends at most 10000, and a page never over 3 MiB, so a page may be shorter and still not the last),
     * from the start ({@code pageToken} null or empty) or from where the previous page's
     * {@link PriceHistoryPage#nextPageToken} says, with the same origin, class and since.
     *
     * @throws OracleInvalidArgumentException a negative page size, a token the oracle did not issue or
     *                                        issued for another request (INVALID_ARGUMENT); OUT_OF_RANGE: the
     *                                        versions the token resumes at were dropped since
     * @throws OracleNotFoundException        unknown origin or class
     */
    default PriceHistoryPage priceHistoryPage(String origin, String workloadClass, Instant since, int pageSize,
            String pageToken) {
        return priceHistoryPage(origin, workloadClass, since, pageSize, pageToken, true);
    }

    /** As the five-argument {@code priceHistoryPage}; {@code withCauses} false leaves each point's causes out. */
    PriceHistoryPage priceHistoryPage(String origin, String workloadClass, Instant since, int pageSize,
            String pageToken, boolean withCauses);

    /**
     * Solves a retail pricing game against the oracle's live market (asks the oracle): the users' equilibrium
     * and, when the game names a target, the target's exact profit-maximising price with {@code curvePoints}
     * points of its profit curve. Providers that name a node and class are costed at that site's price g + μ.
     *
     * @throws OracleInvalidArgumentException the game breaks the retail format (the message names the field)
     */
    RetailAnswerView retailEquilibrium(RetailGameSpec game, int curvePoints);

    /** The local price table: its version, age, and whether the watch stream is connected. */
    TableStatus tableStatus();

    /**
     * The revenue-optimal token-cap tier menu of {@code population} for users at {@code origin} sending
     * {@code workloadClass}, priced by the oracle at its current π(origin, class) (asks the oracle).
     *
     * @throws OracleInvalidArgumentException a population that breaks the menu format; the message names
     *                                        the field and value
     * @throws OracleNotFoundException        unknown origin or class
     */
    TierMenuView tierMenu(String origin, String workloadClass, MenuPopulation population);

    /** Stops the watch stream and, if the client made its channel, shuts it down. */
    @Override
    void close();
}
