package io.tokenflow.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenflow.market.clearing.SettlementLedger;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ServingShare;
import io.tokenflow.market.solution.SettlementStatement;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The read side of an oracle, thread-safe and lock-free for readers: the published {@link MarketState}
 * and everything answered from it (quotes, routes, site lists, splits, settlements, price history),
 * plus the waits and listeners that hear of new states. Both roles answer from one of these; a
 * {@link LeaderOracle} publishes the versions it clears into it, a {@link ReplicaOracle} those it adopts.
 *
 * <p><b>Concurrency.</b> Readers take the state from one {@link AtomicReference} and never lock;
 * derived answers are computed once per version in Caffeine caches keyed by version, and class
 * networks once per topology ({@link VersionAnswers}). The writes ({@link #publish}, {@link #restate})
 * come from one writer at a time, which the owning role guarantees (the leader's re-clear loop, the
 * replica's lock); they run on that writer's thread, and so do the listeners they call.
 */
public final class PublishedMarket {
    private static final System.Logger LOG = System.getLogger(PublishedMarket.class.getName());

    private final OracleConfig config;
    private final String noVersionYet;
    private final AtomicReference<MarketState> state = new AtomicReference<>();
    private final SettlementHistory settlements;
    private final PriceHistory priceHistory;
    /** With {@code --data-dir}: every version, written before it is published; null: memory only. */
    private final MarketRecord record;
    private final VersionAnswers answers;
    private final List<Consumer<MarketState>> listeners = new CopyOnWriteArrayList<>();
    /** Guarded by itself, as is {@link #closed}: a wait registers, or sees the version, or sees the close. */
    private final TreeMap<Long, List<CompletableFuture<MarketState>>> waiters = new TreeMap<>();
    private boolean closed;

    /**
     * An empty market (no version until the first {@link #publish}); reads fail until then with
     * {@link OracleUnavailableException} saying {@code noVersionYet}. Registers the market's cache and
     * state meters on {@code meters}.
     */
    PublishedMarket(OracleConfig config, MeterRegistry meters, String noVersionYet) {
        this(config, meters, noVersionYet, null);
    }

    /**
     * As {@link #PublishedMarket(OracleConfig, MeterRegistry, String)}, keeping every version in
     * {@code record} (null: none) before it is published: settlements are then read from the record
     * only, and PriceHistory from memory for the last {@link OracleConfig#priceHistory()} versions and
     * from the record before them.
     */
    PublishedMarket(OracleConfig config, MeterRegistry meters, String noVersionYet, MarketRecord record) {
        this.config = Objects.requireNonNull(config, "config");
        this.noVersionYet = Objects.requireNonNull(noVersionYet, "noVersionYet");
        this.record = record;
        this.settlements = new SettlementHistory(config.settlementHistory());
        this.priceHistory = new PriceHistory(config.priceHistory());
        this.answers = new VersionAnswers(config.cacheMaxEntries(), meters);
        Gauge.builder("tokenflow.market.version", state, s -> s.get() == null ? 0 : s.get().version())
                .description("The market version answers come from").register(meters);
        Gauge.builder("tokenflow.market.stale", state, s -> s.get() != null && s.get().stale() ? 1 : 0)
                .description("1 while the last re-clear failed and answers come from an older version")
                .register(meters);
        Gauge.builder("tokenflow.market.age", state,
                        s -> s.get() == null ? 0 : s.get().age(config.clock().instant()).toNanos() / 1e9)
                .baseUnit("seconds").description("Time since the version answers come from was cleared")
                .register(meters);
        Gauge.builder("tokenflow.market.path.columns", state,
                        s -> s.get() == null ? 0 : s.get().snapshot().result().stats().pathColumns())
                .description("END_TO_END path columns in the LP of the version answers come from (0 without"
                        + " END_TO_END limits); it drops when the pool is compacted")
                .register(meters);
    }

    // ---- reads: never lock, never touch a solver ----

    /** Whether a version has been published (a replica has none until it adopts its first). */
    public boolean ready() {
        return state.get() != null;
    }

    /** @throws OracleUnavailableException before the first version (only a replica is ever without one) */
    public MarketState state() {
        MarketState current = state.get();
        if (current == null) {
            throw new OracleUnavailableException(noVersionYet);
        }
        return current;
    }

    public OracleConfig config() {
        return config;
    }

    /** The price of one more M tokens of {@code classId} at {@code origin}, and how much of its demand goes unserved. */
    public Quote quote(String origin, String classId) {
        return answers.quote(state(), origin, classId);
    }

    /**
     * Every site {@code classId} may reach from {@code origin}, cheapest delivered cost first, and how much of
     * the origin's demand goes unserved.
     */
    public FeasibleSites feasibleSites(String origin, String classId) {
        return answers.feasibleSites(state(), origin, classId);
    }

    /**
     * Where to send one request. Without exclusions the answer is drawn from the cleared split by the
     * request id, so over many requests each site gets its cleared share and the origin's unserved share
     * of its demand is shed ({@link RouteDecision.Reason#UNSERVED}, with a hint), and one id always gets
     * the same answer while the split holds; an origin without demand of the class goes to its marginal
     * unit's site. With exclusions, an id that draws the unserved share is shed all the same; any other
     * goes to the cheapest remaining feasible site with spare capacity in the cleared market, or is shed
     * when every remaining site is full.
     *
     * @throws NoFeasibleSiteException if no site remains
     */
    public RouteDecision route(String origin, String classId, String requestId, Collection<String> excludedNodes) {
        return answers.route(state(), origin, classId, requestId, excludedNodes);
    }

    /**
     * What Route draws from for one class in a snapshot: per origin (scenario order), its served shares, its
     * unserved share and its marginal unit's latency.
     */
    public Map<String, OriginSplit> splits(MarketSnapshot snapshot, String classId) {
        return answers.splits(snapshot, classId);
    }

    /** The cleared split of one class in a snapshot: per origin serving some (scenario order), its shares. */
    public Map<String, List<ServingShare>> servingSplit(MarketSnapshot snapshot, String classId) {
        Map<String, List<ServingShare>> out = new LinkedHashMap<>();
        splits(snapshot, classId).forEach((origin, split) -> {
            if (!split.shares().isEmpty()) {
                out.put(origin, split.shares());
            }
        });
        return out;
    }

    /** Settlement records of the retained versions in [from, to] (0: oldest retained / current). */
    public List<SettlementRecord> settlements(long fromVersion, long toVersion) {
        try (SettlementStream stream = settlementStream(fromVersion, toVersion)) {
            List<SettlementRecord> out = new ArrayList<>();
            stream.forEachRemaining(out::add);
            return out;
        }
    }

    /**
     * As {@link #settlements}, read one record at a time: from memory, or with a data directory from the
     * market record on disk (every retained version, whatever its age). The range is checked at once.
     *
     * @throws IllegalArgumentException   if from > to
     * @throws VersionOutOfRangeException if the range reaches outside what is retained
     */
    public SettlementStream settlementStream(long fromVersion, long toVersion) {
        if (record == null) {
            return SettlementStream.of(settlements.range(fromVersion, toVersion));
        }
        long published = state().version();
        long[] span = SettlementHistory.resolve(fromVersion, toVersion, record.oldestVersion(), published);
        if (span == null) {
            return SettlementStream.of(List.of());
        }
        return record.settlements(span[0], span[1], published);
    }

    /**
     * The retained version in force at {@code time} (cleared at or before it, superseded after it), where
     * an export by time starts; the first version when nothing was cleared by then.
     *
     * @throws VersionOutOfRangeException if the version in force then is no longer retained
     */
    public long versionInForceAt(Instant time) {
        if (record == null) {
            return settlements.versionInForceAt(time);
        }
        long published = state().version();
        long oldest = record.oldestVersion();
        if (time.isBefore(record.oldestClearedAt()) && oldest > 1) {
            throw new VersionOutOfRangeException("from_time " + time + " is before the oldest retained version "
                    + oldest + " (cleared at " + record.oldestClearedAt() + "): the version in force then is no longer"
                    + " retained; " + SettlementHistory.retained(oldest, published));
        }
        // one pass over the record, oldest first, stopping at the version in force: it costs a read of the
        // versions before it, which an export from that time then reads again
        try (SettlementStream stream = record.settlements(oldest, published, published)) {
            while (stream.hasNext()) {
                SettlementRecord r = stream.next();
                if (r.supersededAt().isEmpty() || r.supersededAt().get().isAfter(time)) {
                    return r.version();
                }
            }
        }
        return published;
    }

    /**
     * The price of {@code origin} × {@code classId} at each retained version (the last
     * {@link OracleConfig#priceHistory()} published: on a leader those it cleared, on a replica those it
     * adopted; with a data directory also every older version the market record retains, read from disk)
     * cleared at or after {@code since} (null: every one), oldest first, with why each version was made.
     *
     * @throws io.tokenflow.market.model.UnknownIdException if the origin or class is unknown (as Quote)
     * @throws OracleUnavailableException                   before the first version
     */
    public OriginPriceHistory priceHistory(String origin, String classId, Instant since) {
        return priceHistory(origin, classId, since, 0, Integer.MAX_VALUE);
    }

    /**
     * One page of {@link #priceHistory(String, String, Instant)}: at most {@code limit} points, from
     * {@code fromVersion} on (0: the oldest retained), as {@link PriceHistoryReads#read} assembles them.
     *
     * @throws VersionOutOfRangeException {@code fromVersion} > 0 is no longer retained (dropped since the
     *                                    previous page)
     */
    public OriginPriceHistory priceHistory(String origin, String classId, Instant since, long fromVersion, int limit) {
        state().snapshot().requireKnown(origin, classId);
        return PriceHistoryReads.read(priceHistory, record, origin, classId, since, fromVersion, limit);
    }

    /**
     * Completes with the state once {@code version} (or a later one) is published; fails with what
     * {@link #failWaiters} is given (a leader: the {@link ReclearFailedException} of the re-clear meant
     * to publish it; the updates stay accepted and are retried), or {@link OracleUnavailableException}
     * on shutdown.
     */
    public CompletableFuture<MarketState> whenCleared(long version) {
        CompletableFuture<MarketState> done = new CompletableFuture<>();
        synchronized (waiters) {
            MarketState current = state.get();
            if (current != null && current.version() >= version) {
                done.complete(current);
            } else if (closed) {
                done.completeExceptionally(new OracleUnavailableException("the oracle is shutting down"));
            } else {
                waiters.computeIfAbsent(version, v -> new ArrayList<>()).add(done);
            }
        }
        return done;
    }

    /**
     * Calls {@code listener} (on the publishing thread: the leader's re-clear loop, the replica's
     * follower; it must not block) with every new state: a new version, or the current one turning
     * stale or fresh. Returns what unsubscribes it.
     */
    public Runnable subscribe(Consumer<MarketState> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ---- writes: by the owning role, one at a time ----

    /** Only OPTIMAL results are published: with every class allowed to go unserved anything else is a solver fault. */
    static void requireOptimal(ClearingResult result) {
        if (!result.optimal()) {
            throw new ReclearFailedException(ReclearFailedException.Reason.SOLVER, "the market cleared "
                    + result.status() + " although every class may go unserved", null);
        }
    }

    /** The state answers come from now; null before the first version (for the roles' own checks). */
    MarketState latest() {
        return state.get();
    }

    /**
     * Publishes {@code version} (newer than the one held, OPTIMAL: the roles check) cleared at
     * {@code clearedAt}: records its settlement and prices (with a market record: written and forced to
     * disk first, so no version is ever served that a crash could lose), swaps it in fresh, completes
     * the waits it covers and tells the listeners.
     *
     * @throws MarketRecordException if the market record cannot be written: nothing is published
     */
    void publish(long version, Instant clearedAt, Scenario scenario, ClearingResult result, VersionCauses causes) {
        MarketSnapshot snapshot = MarketSnapshot.of(version, clearedAt, scenario, result);
        SettlementStatement statement = SettlementLedger.statement(scenario, result);
        if (record != null) {
            record.append(version, clearedAt, scenario, result, statement, causes);
        } else {
            settlements.add(new SettlementRecord(version, clearedAt, Optional.empty(), statement));
        }
        priceHistory.add(version, clearedAt, scenario, result, causes);
        MarketState next = new MarketState(snapshot, Optional.empty());
        state.set(next);
        answers.dropSupersededVersions();
        List<CompletableFuture<MarketState>> ready = new ArrayList<>();
        synchronized (waiters) {
            Map<Long, List<CompletableFuture<MarketState>>> due = waiters.headMap(version, true);
            due.values().forEach(ready::addAll);
            due.clear();
        }
        ready.forEach(f -> f.complete(next));
        notifyListeners(next);
    }

    /**
     * Swaps in the held version marked stale or fresh ({@code next} must be of the held version); the
     * listeners hear of it when it turns stale or fresh, not when only the reason of a staleness changes.
     */
    void restate(MarketState next) {
        MarketState current = state.get();
        if (current == null || current.snapshot() != next.snapshot()) {
            throw new IllegalStateException("a restated state keeps the held version " + (current == null ? "(none)"
                    : current.version()) + ", got version " + next.version());
        }
        state.set(next);
        if (current.stale() != next.stale()) {
            notifyListeners(next);
        }
    }

    /** Fails every wait registered so far with {@code cause}. */
    void failWaiters(RuntimeException cause) {
        List<CompletableFuture<MarketState>> failed = new ArrayList<>();
        synchronized (waiters) {
            waiters.values().forEach(failed::addAll);
            waiters.clear();
        }
        failed.forEach(f -> f.completeExceptionally(cause));
    }

    /** Fails every wait, and every later one for a version not yet held, as the oracle shutting down. */
    void close() {
        synchronized (waiters) {
            closed = true;
        }
        failWaiters(new OracleUnavailableException("the oracle is shutting down"));
    }

    private void notifyListeners(MarketState next) {
        for (Consumer<MarketState> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a market listener failed", e);
            }
        }
    }
}
