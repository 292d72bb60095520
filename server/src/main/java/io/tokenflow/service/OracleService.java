package io.tokenflow.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.tokenflow.market.clearing.ClassNetwork;
import io.tokenflow.market.clearing.SettlementLedger;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.DeliverySite;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.ServingShare;
import io.tokenflow.service.journal.UpdateLog;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The live cleared market: answers quotes, routes and site lists from the current snapshot, accepts
 * updates, and re-clears them in the background.
 *
 * <p><b>Concurrency.</b> Readers take the {@link MarketState} from one {@link AtomicReference} and
 * never lock; derived answers (prices, delivered-cost site lists, flow splits) are computed once per
 * version in Caffeine caches keyed by version, and class networks once per topology. Writers
 * validate under the {@link UpdateQueue}'s lock and return at once. One re-clear loop thread takes
 * all pending updates as one batch, has the solver thread apply and clear them through the
 * {@link SolverGuard}, and publishes the new snapshot; so at most one re-clear runs at a time and the
 * next one covers everything accepted meanwhile. When a re-clear fails, the last good snapshot stays,
 * marked stale, and the batch is retried after {@link OracleConfig#retryDelay()}.
 */
public final class OracleService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OracleService.class.getName());

    private record PriceKey(long version, String origin, String classId) {}

    private record SplitKey(long version, String classId) {}

    private record NetworkKey(ClassNetwork.Topology topology, String classId) {}

    private record Cleared(ClearingResult result, Scenario scenario) {}

    private final OracleConfig config;
    private final SolverGuard guard;
    private final ClearingEngine engine;
    private final UpdateQueue queue;
    private final AtomicReference<MarketState> state = new AtomicReference<>();
    private final SettlementHistory settlements;
    private final PriceHistory priceHistory;
    private final AnswerCaches caches;
    private final List<Consumer<MarketState>> listeners = new CopyOnWriteArrayList<>();
    private final TreeMap<Long, List<CompletableFuture<MarketState>>> waiters = new TreeMap<>();
    private final Thread reclearLoop;
    private final MeterRegistry meters;
    private final Timer reclearTimer;
    private final Counter acceptedUpdates;
    private final UpdateLog journal;
    /** Set on a read replica: the leader it follows (then there is no engine, queue or re-clear loop). */
    private final String leader;
    private volatile boolean closed;

    /** A read replica: no solver; versions arrive through {@link #adopt}. */
    private OracleService(OracleConfig config, MeterRegistry meters, String leader) {
        this.leader = leader;
        this.journal = null;
        this.config = config;
        this.meters = meters;
        this.guard = null;
        this.engine = null;
        this.queue = null;
        this.reclearLoop = null;
        this.settlements = new SettlementHistory(config.settlementHistory());
        this.priceHistory = new PriceHistory(config.priceHistory());
        this.caches = new AnswerCaches(config.cacheMaxEntries(), meters);
        this.reclearTimer = reclearTimer(meters);
        this.acceptedUpdates = acceptedUpdates(meters);
        registerStateGauges();
    }

    /**
     * A read replica of {@code leader} (HOST:PORT, named in the refusal of updates): it answers from
     * the versions {@link #adopt}ed, has none until the first (reads fail with
     * {@link OracleUnavailableException}), and refuses updates with {@link ReadReplicaException}.
     */
    public static OracleService follower(OracleConfig config, MeterRegistry meters, String leader) {
        return new OracleService(config, meters, java.util.Objects.requireNonNull(leader, "leader"));
    }

    /** The leader this replica follows; empty on a leader. */
    public Optional<String> leader() {
        return Optional.ofNullable(leader);
    }

    /** Whether a version has been published (a replica has none until it adopts its first). */
    public boolean ready() {
        return state.get() != null;
    }

    /**
     * On a replica: publishes the leader's version as is (its clear time, scenario and OPTIMAL result)
     * if it is newer than the one held; the same version again only clears staleness. Returns whether
     * the state changed.
     */
    public synchronized boolean adopt(long version, Instant clearedAt, Scenario scenario, ClearingResult result) {
        if (leader == null) {
            throw new IllegalStateException("only a read replica adopts versions");
        }
        requireOptimal(result);
        MarketState current = state.get();
        if (current != null && version < current.version()) {
            return false;
        }
        if (current != null && version == current.version()) {
            if (!current.stale()) {
                return false;
            }
            MarketState fresh = new MarketState(current.snapshot(), Optional.empty());
            state.set(fresh);
            notifyListeners(fresh);
            return true;
        }
        publish(version, clearedAt, new Cleared(result, scenario), VersionCauses.LEADER);
        return true;
    }

    /** On a replica: keeps answering from the version held, marked stale (no-op before the first one). */
    public synchronized void markStale(String reason) {
        MarketState current = state.get();
        if (current == null || current.stale()) {
            return;
        }
        MarketState stale = current.markedStale(new MarketState.Staleness(config.clock().instant(), reason));
        state.set(stale);
        notifyListeners(stale);
    }

    private void registerStateGauges() {
        Gauge.builder("tokenflow.market.version", state, s -> s.get() == null ? 0 : s.get().version())
                .description("The market version answers come from").register(meters);
        Gauge.builder("tokenflow.market.stale", state, s -> s.get() != null && s.get().stale() ? 1 : 0)
                .description("1 while the last re-clear failed and answers come from an older version")
                .register(meters);
        Gauge.builder("tokenflow.market.age", state,
                        s -> s.get() == null ? 0 : s.get().age(config.clock().instant()).toNanos() / 1e9)
                .baseUnit("seconds").description("Time since the version answers come from was cleared")
                .register(meters);
    }

    private OracleService(Scenario scenario, OracleConfig config, MeterRegistry meters,
            Function<Scenario, ClearingEngine> engines, long firstVersion, long lastSeq, UpdateLog journal) {
        if (firstVersion < 1) {
            throw new IllegalArgumentException("the first version must be >= 1, got " + firstVersion);
        }
        this.journal = journal;
        this.leader = null;
        this.config = config;
        this.meters = meters;
        this.guard = new SolverGuard(config, meters);
        this.settlements = new SettlementHistory(config.settlementHistory());
        this.priceHistory = new PriceHistory(config.priceHistory());
        this.caches = new AnswerCaches(config.cacheMaxEntries(), meters);
        this.reclearTimer = reclearTimer(meters);
        this.acceptedUpdates = acceptedUpdates(meters);

        Scenario served = withDefaultPenalty(scenario, config.defaultUnservedPenaltyPerMTokens());
        ClearingEngine[] opened = new ClearingEngine[1];
        Cleared first;
        long started = System.nanoTime();
        try {
            first = guard.call(() -> {
                opened[0] = engines.apply(served);
                return new Cleared(opened[0].applyAndClear(List.of()), opened[0].scenario());
            });
            requireOptimal(first.result());
        } catch (RuntimeException e) {
            if (opened[0] != null) {
                guard.runLast(opened[0]::close, 5);
            }
            guard.close();
            throw e;
        }
        this.engine = opened[0];
        reclearTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        this.queue = new UpdateQueue(first.scenario(), firstVersion, lastSeq, journal);
        publish(firstVersion, config.clock().instant(), first, VersionCauses.INITIAL);
        registerStateGauges();
        Gauge.builder("tokenflow.updates.pending", queue, UpdateQueue::pendingCount)
                .description("Accepted updates waiting for the next re-clear").register(meters);
        this.reclearLoop = new Thread(this::reclearLoop, "tokenflow-reclear");
        reclearLoop.setDaemon(true);
        reclearLoop.start();
    }

    /**
     * Clears {@code scenario} (must-serve classes get the default penalty) with the engine's warm
     * incremental model, publishes version 1 and starts re-clearing updates.
     *
     * @throws ReclearFailedException if the first clear fails
     */
    public static OracleService start(Scenario scenario, OracleConfig config, MeterRegistry meters) {
        return start(scenario, config, meters,
                s -> new WarmClearingEngine(s, config.solverKind(), config.clearTimeout()));
    }

    /** As {@link #start(Scenario, OracleConfig, MeterRegistry)} with another engine (tests inject failing ones). */
    public static OracleService start(Scenario scenario, OracleConfig config, MeterRegistry meters,
            Function<Scenario, ClearingEngine> engines) {
        return new OracleService(scenario, config, meters, engines, 1, 0, null);
    }

    /**
     * Starts on a recovered market with a journal: the first clear is published as {@code firstVersion}
     * (above every version the previous process could have promised), and every accepted batch is
     * appended to {@code journal} (sequence numbers after {@code lastSeq}) and acknowledged only once
     * it is on disk ({@link #submitAsync}). The service closes the journal when it closes.
     */
    public static OracleService startDurable(Scenario recovered, OracleConfig config, MeterRegistry meters,
            long firstVersion, long lastSeq, UpdateLog journal) {
        return startDurable(recovered, config, meters, firstVersion, lastSeq, journal,
                s -> new WarmClearingEngine(s, config.solverKind(), config.clearTimeout()));
    }

    /** As {@link #startDurable(Scenario, OracleConfig, MeterRegistry, long, long, UpdateLog)} with another engine. */
    public static OracleService startDurable(Scenario recovered, OracleConfig config, MeterRegistry meters,
            long firstVersion, long lastSeq, UpdateLog journal, Function<Scenario, ClearingEngine> engines) {
        return new OracleService(recovered, config, meters, engines, firstVersion, lastSeq, journal);
    }

    /** Every must-serve class gets ρ, so the live market always clears (over-demand is priced, not an outage). */
    static Scenario withDefaultPenalty(Scenario scenario, double penaltyPerMTokens) {
        return scenario.withClasses(c -> c.mustServe() ? c.withUnservedPenalty(penaltyPerMTokens) : c);
    }

    /**
     * The answers derived from a version, computed once and shared by every reader: prices per
     * (version, origin, class), delivered-cost site lists per (version, origin, class), flow splits per
     * (version, class), and class networks per (topology, class). Hit rates go to metrics.
     */
    private static final class AnswerCaches {
        final Cache<PriceKey, QuotedPrice> prices;
        final Cache<PriceKey, List<DeliverySite>> sites;
        final Cache<SplitKey, Map<String, RouteTable>> splits;
        final Cache<NetworkKey, ClassNetwork> networks;

        AnswerCaches(long maxEntries, MeterRegistry meters) {
            prices = cache("prices", maxEntries, meters);
            sites = cache("sites", maxEntries, meters);
            splits = cache("splits", maxEntries, meters);
            networks = cache("class_networks", maxEntries, meters);
        }

        private static <K, V> Cache<K, V> cache(String name, long maxEntries, MeterRegistry meters) {
            // maintenance runs on the reading thread: handing it to the common pool costs a thread wake-up
            // per drain, which on a busy 2-core machine is dearer than the work itself
            Cache<K, V> cache = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run)
                    .recordStats().build();
            CaffeineCacheMetrics.monitor(meters, cache, "tokenflow." + name);
            return cache;
        }

        /** Answers of superseded versions only serve readers that took the old state a moment ago. */
        void dropSupersededVersions() {
            prices.invalidateAll();
            sites.invalidateAll();
            splits.invalidateAll();
        }
    }

    private static Timer reclearTimer(MeterRegistry meters) {
        return Timer.builder("tokenflow.reclear.duration")
                .description("Time to apply a batch of updates and re-clear the market")
                .publishPercentileHistogram()
                .register(meters);
    }

    private static Counter acceptedUpdates(MeterRegistry meters) {
        return Counter.builder("tokenflow.updates.accepted")
                .description("Updates accepted (validated and queued for a re-clear)").register(meters);
    }

    // ---- reads: never lock, never touch the solver ----

    /** @throws OracleUnavailableException on a read replica that has no version yet */
    public MarketState state() {
        MarketState current = state.get();
        if (current == null) {
            throw new OracleUnavailableException("this read replica has no market version yet from its leader "
                    + leader);
        }
        return current;
    }

    public OracleConfig config() {
        return config;
    }

    /** The price of one more M tokens of {@code classId} at {@code origin}. */
    public Quote quote(String origin, String classId) {
        MarketState current = state();
        current.snapshot().requireKnown(origin, classId);
        return new Quote(current, quoted(current.snapshot(), origin, classId));
    }

    private QuotedPrice quoted(MarketSnapshot snapshot, String origin, String classId) {
        return caches.prices.get(new PriceKey(snapshot.version(), origin, classId),
                k -> new QuotedPrice(snapshot.result().price(origin, classId)));
    }

    /** Every site {@code classId} may reach from {@code origin}, cheapest delivered cost first. */
    public FeasibleSites feasibleSites(String origin, String classId) {
        MarketState current = state();
        MarketSnapshot snapshot = current.snapshot();
        snapshot.requireKnown(origin, classId);
        RouteTable table = splits(snapshot, classId).get(origin);
        List<SiteOffer> offers = sites(snapshot, origin, classId).stream()
                .map(site -> new SiteOffer(site, table == null ? 0 : table.shareOf(site.node())))
                .toList();
        return new FeasibleSites(current, origin, classId, offers);
    }

    /**
     * Where to send one request. Without exclusions the site is drawn from the cleared split by the
     * request id, so over many requests each site gets its cleared share (and one id always the same
     * site while the split holds); an origin that serves nothing of the class goes to its marginal
     * unit's site. With exclusions, the cheapest remaining feasible site by delivered cost.
     *
     * @throws NoFeasibleSiteException if no site remains
     */
    public RouteDecision route(String origin, String classId, String requestId, Collection<String> excludedNodes) {
        MarketState current = state();
        MarketSnapshot snapshot = current.snapshot();
        snapshot.requireKnown(origin, classId);
        if (requestId == null || requestId.isEmpty()) {
            throw new IllegalArgumentException("request_id must not be empty");
        }
        excludedNodes.forEach(snapshot::requireNode);
        NodePrice price = quoted(snapshot, origin, classId).price();
        RouteTable table = splits(snapshot, classId).get(origin);
        if (excludedNodes.isEmpty() && table != null) {
            ServingShare pick = table.pick(RequestHash.unitInterval(requestId));
            return new RouteDecision(current, pick.site(), pick.path(), RouteDecision.Reason.CLEARED_SPLIT, price,
                    deliveredCost(snapshot, origin, classId, pick.site()), pick.share());
        }
        if (excludedNodes.isEmpty() && price.servingNode().isPresent()) {
            String site = price.servingNode().get();
            return new RouteDecision(current, site, price.path(), RouteDecision.Reason.MARGINAL_SITE, price,
                    deliveredCost(snapshot, origin, classId, site), 0);
        }
        Set<String> excluded = Set.copyOf(excludedNodes);
        for (DeliverySite site : sites(snapshot, origin, classId)) {
            if (!excluded.contains(site.node())) {
                return new RouteDecision(current, site.node(), site.path(), RouteDecision.Reason.CHEAPEST_REMAINING,
                        price, site.deliveredCost(), table == null ? 0 : table.shareOf(site.node()));
            }
        }
        throw new NoFeasibleSiteException("no feasible site for origin '" + origin + "' class '" + classId + "'"
                + (excluded.isEmpty() ? "" : " remains after excluding " + excludedNodes));
    }

    private double deliveredCost(MarketSnapshot snapshot, String origin, String classId, String site) {
        return sites(snapshot, origin, classId).stream()
                .filter(s -> s.node().equals(site))
                .mapToDouble(DeliverySite::deliveredCost)
                .findFirst()
                .orElse(Double.NaN);
    }

    private List<DeliverySite> sites(MarketSnapshot snapshot, String origin, String classId) {
        return caches.sites.get(new PriceKey(snapshot.version(), origin, classId),
                k -> snapshot.analysis().feasibleSites(network(snapshot, classId), origin));
    }

    private ClassNetwork network(MarketSnapshot snapshot, String classId) {
        return caches.networks.get(new NetworkKey(snapshot.topology(), classId),
                k -> ClassNetwork.of(snapshot.scenario(), classId));
    }

    private Map<String, RouteTable> splits(MarketSnapshot snapshot, String classId) {
        return caches.splits.get(new SplitKey(snapshot.version(), classId), k -> {
            Map<String, RouteTable> tables = new HashMap<>();
            snapshot.analysis().servingSplit(classId).forEach((o, shares) -> tables.put(o, new RouteTable(shares)));
            return Map.copyOf(tables);
        });
    }

    /** The cleared split of one class in a snapshot: per origin (scenario order), its shares. */
    public Map<String, List<ServingShare>> servingSplit(MarketSnapshot snapshot, String classId) {
        snapshot.requireClass(classId);
        Map<String, RouteTable> tables = splits(snapshot, classId);
        Map<String, List<ServingShare>> out = new LinkedHashMap<>();
        snapshot.scenario().nodes().forEach(n -> {
            RouteTable t = tables.get(n.id());
            if (t != null) {
                out.put(n.id(), t.shares());
            }
        });
        return out;
    }

    /** Settlement records of the retained versions in [from, to] (0: oldest retained / current). */
    public List<SettlementRecord> settlements(long fromVersion, long toVersion) {
        return settlements.range(fromVersion, toVersion);
    }

    /**
     * The price of {@code origin} × {@code classId} at each retained version (the last
     * {@link OracleConfig#priceHistory()} published; on a replica, those adopted) cleared at or after
     * {@code since} (null: every one), oldest first, with why each version was made.
     *
     * @throws io.tokenflow.market.model.UnknownIdException if the origin or class is unknown (as Quote)
     * @throws OracleUnavailableException                   on a replica before its first version
     */
    public OriginPriceHistory priceHistory(String origin, String classId, Instant since) {
        state().snapshot().requireKnown(origin, classId);
        PriceHistory.Retained retained = priceHistory.points(origin, classId, since)
                .orElseThrow(() -> new OracleUnavailableException("no market version is retained yet"));
        return new OriginPriceHistory(origin, classId, retained.points(), retained.oldestVersion(),
                retained.oldestClearedAt());
    }

    // ---- writes ----

    /**
     * Validates a batch against every update accepted before it and queues it for the next re-clear,
     * all or nothing. Returns at once; use {@link #whenCleared} to wait for the version.
     *
     * @throws IllegalArgumentException on an empty, oversized or self-contradicting batch
     * @throws io.tokenflow.market.model.InvalidScenarioException on an invalid value
     * @throws io.tokenflow.market.model.UnknownIdException on an unknown id
     */
    public UpdateReceipt submit(List<? extends MarketUpdate> updates) {
        if (leader != null) {
            throw new ReadReplicaException(leader);
        }
        if (journal != null) {
            try {
                return submitAsync(updates).join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        checkBatch(updates);
        long version = queue.accept(List.copyOf(updates));
        acceptedUpdates.increment(updates.size());
        return new UpdateReceipt(version, state.get().version() >= version);
    }

    /**
     * As {@link #submit}, without blocking: validation errors are thrown at once; the future completes
     * when the batch may be acknowledged: at once without a journal, else once its journal record is on
     * disk (on the journal's thread). It fails with {@link OracleUnavailableException} if the journal
     * fails; the batch is then never applied, and the oracle takes no more updates.
     */
    public CompletableFuture<UpdateReceipt> submitAsync(List<? extends MarketUpdate> updates) {
        if (leader != null) {
            throw new ReadReplicaException(leader);
        }
        if (journal == null) {
            return CompletableFuture.completedFuture(submit(updates));
        }
        checkBatch(updates);
        UpdateQueue.Accepted accepted = queue.acceptDurably(List.copyOf(updates));
        acceptedUpdates.increment(updates.size());
        return accepted.durable().thenApply(version -> new UpdateReceipt(version, state.get().version() >= version));
    }

    private void checkBatch(List<? extends MarketUpdate> updates) {
        if (updates.isEmpty()) {
            throw new IllegalArgumentException("updates must not be empty");
        }
        if (updates.size() > config.maxBatchSize()) {
            throw new IllegalArgumentException("updates has " + updates.size() + " entries, more than the limit of "
                    + config.maxBatchSize() + " per call");
        }
        rejectRepeats(updates);
    }

    /** Two updates of one batch that set the same value make the batch ambiguous: reject it. */
    private static void rejectRepeats(List<? extends MarketUpdate> updates) {
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < updates.size(); i++) {
            String target = target(updates.get(i));
            Integer earlier = first.putIfAbsent(target, i);
            if (earlier != null) {
                throw new IllegalArgumentException("updates[" + i + "] sets " + target + " again (updates[" + earlier
                        + "] already does)");
            }
        }
    }

    private static String target(MarketUpdate update) {
        if (update instanceof MarketUpdate.CapacityUpdate u) {
            return "the capacity of node '" + u.node() + "' class '" + u.classId() + "'";
        } else if (update instanceof MarketUpdate.DemandUpdate u) {
            return "the demand of origin '" + u.origin() + "' class '" + u.classId() + "'";
        } else if (update instanceof MarketUpdate.ElectricityPriceUpdate u) {
            return "the electricity price of node '" + u.node() + "'";
        } else if (update instanceof MarketUpdate.LinkCapacityUpdate u) {
            return "the capacity of link '" + u.from() + "->" + u.to() + "'";
        }
        throw new IllegalArgumentException("unsupported update " + update);
    }

    /**
     * Completes with the state once {@code version} (or a later one) is published; fails with
     * {@link ReclearFailedException} if the re-clear meant to publish it fails (the updates stay
     * accepted and are retried), or {@link OracleUnavailableException} on shutdown.
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
     * Calls {@code listener} (on the re-clear thread; it must not block) with every new state: a new
     * version, or the current one turning stale. Returns what unsubscribes it.
     */
    public Runnable subscribe(Consumer<MarketState> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ---- the re-clear loop ----

    private void reclearLoop() {
        while (!closed) {
            UpdateQueue.Batch batch;
            try {
                batch = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                return;
            }
            long started = System.nanoTime();
            try {
                Cleared cleared = guard.call(() -> new Cleared(engine.applyAndClear(batch.updates()), engine.scenario()));
                requireOptimal(cleared.result());
                reclearTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                // the published scenario is still the one before the batch: it holds the values replaced
                VersionCauses causes = VersionCauses.of(batch.updates(), state.get().snapshot().scenario());
                queue.cleared(batch);
                publish(batch.version(), config.clock().instant(), cleared, causes);
            } catch (ReclearFailedException e) {
                queue.failed(batch);
                onFailure(batch, e);
                try {
                    if (queue.awaitClose(UpdateQueue.nanos(config.retryDelay()))) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    return;
                }
            } catch (RuntimeException e) {
                // a bug in publishing, not in the solver: keep the batch and the loop alive
                queue.failed(batch);
                onFailure(batch, new ReclearFailedException(ReclearFailedException.Reason.SOLVER,
                        "publishing version " + batch.version() + " failed: " + e, e));
            }
        }
    }

    private static void requireOptimal(ClearingResult result) {
        if (!result.optimal()) {
            throw new ReclearFailedException(ReclearFailedException.Reason.SOLVER, "the market cleared "
                    + result.status() + " although every class may go unserved", null);
        }
    }

    private void publish(long version, Instant now, Cleared cleared, VersionCauses causes) {
        MarketSnapshot snapshot = MarketSnapshot.of(version, now, cleared.scenario(), cleared.result());
        settlements.add(new SettlementRecord(version, now, Optional.empty(),
                SettlementLedger.statement(cleared.scenario(), cleared.result())));
        priceHistory.add(version, now, cleared.scenario(), cleared.result(), causes);
        MarketState next = new MarketState(snapshot, Optional.empty());
        state.set(next);
        caches.dropSupersededVersions();
        List<CompletableFuture<MarketState>> ready = new ArrayList<>();
        synchronized (waiters) {
            Map<Long, List<CompletableFuture<MarketState>>> due = waiters.headMap(version, true);
            due.values().forEach(ready::addAll);
            due.clear();
        }
        ready.forEach(f -> f.complete(next));
        notifyListeners(next);
    }

    private void onFailure(UpdateQueue.Batch batch, ReclearFailedException e) {
        Counter.builder("tokenflow.reclear.failures").tag("reason", e.reason().name().toLowerCase())
                .description("Re-clears that produced no market").register(meters).increment();
        LOG.log(Level.WARNING, "re-clear of version " + batch.version() + " (" + batch.updates().size()
                + " updates) failed, answering from version " + state.get().version() + " marked stale: "
                + e.getMessage());
        MarketState current = state.get();
        Instant since = current.staleness().map(MarketState.Staleness::since).orElse(config.clock().instant());
        MarketState stale = current.markedStale(new MarketState.Staleness(since, e.getMessage()));
        state.set(stale);
        failWaiters(e);
        if (!current.stale()) {
            notifyListeners(stale);
        }
    }

    private void failWaiters(RuntimeException cause) {
        List<CompletableFuture<MarketState>> failed = new ArrayList<>();
        synchronized (waiters) {
            waiters.values().forEach(failed::addAll);
            waiters.clear();
        }
        failed.forEach(f -> f.completeExceptionally(cause));
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

    /**
     * Stops re-clearing, fails every waiter, and frees the solver. Accepted but uncleared updates are
     * dropped from memory; with a journal they are on disk and the next start replays them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (leader != null) {
            failWaiters(new OracleUnavailableException("the oracle is shutting down"));
            return;
        }
        queue.close();
        reclearLoop.interrupt();
        try {
            reclearLoop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failWaiters(new OracleUnavailableException("the oracle is shutting down"));
        guard.runLast(engine::close, 5);
        guard.close();
        if (journal != null) {
            journal.close(); // writes what is queued and a final snapshot
        }
    }
}
