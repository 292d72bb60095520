package io.tokenflow.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.service.journal.UpdateLog;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The leader: the live market that takes updates, re-clears them in the background and publishes each
 * version into its {@link PublishedMarket}; thread-safe (any thread may read and submit).
 *
 * <p><b>Concurrency.</b> Reads go to the published market and never lock. Writers validate under the
 * {@link UpdateQueue}'s lock and return at once. One re-clear loop thread takes all pending updates as
 * one batch, has the solver thread apply and clear them through the {@link SolverGuard}, and
 * publishes the new snapshot; so at most one re-clear runs at a time, the next one covers everything
 * accepted meanwhile, and the market has the single writer it requires. When a re-clear fails, the
 * last good snapshot stays, marked stale, and the batch is retried after {@link OracleConfig#retryDelay()}.
 */
public final class LeaderOracle implements Oracle {
    private static final System.Logger LOG = System.getLogger(LeaderOracle.class.getName());

    private record Cleared(ClearingResult result, Scenario scenario) {}

    private final OracleConfig config;
    private final SolverGuard guard;
    private final ClearingEngine engine;
    private final UpdateQueue queue;
    private final PublishedMarket market;
    private final Thread reclearLoop;
    private final MeterRegistry meters;
    private final Timer reclearTimer;
    private final Counter acceptedUpdates;
    /** With a journal an update is acknowledged once it is on disk; null: at once. */
    private final UpdateLog journal;
    /** With a data directory every version is written here before it is published; null: none. */
    private final MarketRecord record;
    private volatile boolean closed;

    private LeaderOracle(Scenario scenario, OracleConfig config, MeterRegistry meters,
            Function<Scenario, ClearingEngine> engines, long firstVersion, long lastSeq, UpdateLog journal,
            MarketRecord record) {
        if (firstVersion < 1) {
            throw new IllegalArgumentException("the first version must be >= 1, got " + firstVersion);
        }
        if (record != null && firstVersion <= record.newestVersion()) {
            throw new IllegalArgumentException("the first version " + firstVersion + " must be above every version"
                    + " recorded before, " + record.newestVersion());
        }
        this.journal = journal;
        this.record = record;
        this.config = config;
        this.meters = meters;
        this.guard = new SolverGuard(config, meters);
        this.reclearTimer = Timer.builder("tokenflow.reclear.duration")
                .description("Time to apply a batch of updates and re-clear the market")
                .publishPercentileHistogram()
                .register(meters);
        this.acceptedUpdates = Counter.builder("tokenflow.updates.accepted")
                .description("Updates accepted (validated and queued for a re-clear)").register(meters);

        Scenario served = withDefaultPenalty(scenario, config.defaultUnservedPenaltyPerMTokens());
        ClearingEngine[] opened = new ClearingEngine[1];
        Cleared first;
        long started = System.nanoTime();
        try {
            first = guard.call(() -> {
                opened[0] = engines.apply(served);
                return new Cleared(opened[0].applyAndClear(List.of()), opened[0].scenario());
            });
            PublishedMarket.requireOptimal(first.result());
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
        // a leader publishes before anyone can read it, so this message is never seen
        this.market = new PublishedMarket(config, meters, "the leader has not cleared its first version", record);
        try {
            market.publish(firstVersion, config.clock().instant(), first.scenario(), first.result(),
                    VersionCauses.INITIAL);
        } catch (RuntimeException e) {
            guard.runLast(engine::close, 5);
            guard.close();
            throw e;
        }
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
    public static LeaderOracle start(Scenario scenario, OracleConfig config, MeterRegistry meters) {
        return start(scenario, config, meters,
                s -> new WarmClearingEngine(s, config.solverKind(), config.clearTimeout()));
    }

    /** As {@link #start(Scenario, OracleConfig, MeterRegistry)} with another engine (tests inject failing ones). */
    public static LeaderOracle start(Scenario scenario, OracleConfig config, MeterRegistry meters,
            Function<Scenario, ClearingEngine> engines) {
        return new LeaderOracle(scenario, config, meters, engines, 1, 0, null, null);
    }

    /**
     * Starts on a recovered market with a journal: the first clear is published as {@code firstVersion}
     * (above every version the previous process could have promised), and every accepted batch is
     * appended to {@code journal} (sequence numbers after {@code lastSeq}) and acknowledged only once
     * it is on disk ({@link #submitAsync}). The leader closes the journal when it closes.
     */
    public static LeaderOracle startDurable(Scenario recovered, OracleConfig config, MeterRegistry meters,
            long firstVersion, long lastSeq, UpdateLog journal) {
        return startDurable(recovered, config, meters, firstVersion, lastSeq, journal,
                s -> new WarmClearingEngine(s, config.solverKind(), config.clearTimeout()));
    }

    /** As {@link #startDurable(Scenario, OracleConfig, MeterRegistry, long, long, UpdateLog)} with another engine. */
    public static LeaderOracle startDurable(Scenario recovered, OracleConfig config, MeterRegistry meters,
            long firstVersion, long lastSeq, UpdateLog journal, Function<Scenario, ClearingEngine> engines) {
        return new LeaderOracle(recovered, config, meters, engines, firstVersion, lastSeq, journal, null);
    }

    /**
     * As {@link #startDurable(Scenario, OracleConfig, MeterRegistry, long, long, UpdateLog)}, also keeping
     * every version in {@code record} (settlement, prices, causes), written and forced to disk before the
     * version is published; {@code firstVersion} must be above every version recorded. Exports and
     * PriceHistory then reach back as far as the record retains. The leader closes the record when it
     * closes.
     */
    public static LeaderOracle startDurable(Scenario recovered, OracleConfig config, MeterRegistry meters,
            long firstVersion, long lastSeq, UpdateLog journal, MarketRecord record) {
        return startDurable(recovered, config, meters, firstVersion, lastSeq, journal, record,
                s -> new WarmClearingEngine(s, config.solverKind(), config.clearTimeout()));
    }

    /** As {@link #startDurable(Scenario, OracleConfig, MeterRegistry, long, long, UpdateLog, MarketRecord)} with another engine. */
    public static LeaderOracle startDurable(Scenario recovered, OracleConfig config, MeterRegistry meters,
            long firstVersion, long lastSeq, UpdateLog journal, MarketRecord record,
            Function<Scenario, ClearingEngine> engines) {
        return new LeaderOracle(recovered, config, meters, engines, firstVersion, lastSeq, journal,
                Objects.requireNonNull(record, "record"));
    }

    /** Every must-serve class gets ρ, so the live market always clears (over-demand is priced, not an outage). */
    static Scenario withDefaultPenalty(Scenario scenario, double penaltyPerMTokens) {
        return scenario.withClasses(c -> c.mustServe() ? c.withUnservedPenalty(penaltyPerMTokens) : c);
    }

    @Override
    public PublishedMarket market() {
        return market;
    }

    // ---- writes ----

    /**
     * Validates a batch against every update accepted before it and queues it for the next re-clear,
     * all or nothing. Returns at once (with a journal: once the batch is on disk); use
     * {@link #whenCleared} to wait for the version.
     *
     * @throws IllegalArgumentException on an empty, oversized or self-contradicting batch
     * @throws io.tokenflow.market.model.InvalidScenarioException on an invalid value
     * @throws io.tokenflow.market.model.UnknownIdException on an unknown id
     */
    public UpdateReceipt submit(List<? extends MarketUpdate> updates) {
        if (journal != null) {
            try {
                return submitAsync(updates).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        checkBatch(updates);
        long version = queue.accept(List.copyOf(updates));
        acceptedUpdates.increment(updates.size());
        return new UpdateReceipt(version, market.latest().version() >= version);
    }

    /**
     * As {@link #submit}, without blocking: validation errors are thrown at once; the future completes
     * when the batch may be acknowledged: at once without a journal, else once its journal record is on
     * disk (on the journal's thread). It fails with {@link OracleUnavailableException} if the journal
     * fails; the batch is then never applied, and the oracle takes no more updates.
     */
    @Override
    public CompletableFuture<UpdateReceipt> submitAsync(List<? extends MarketUpdate> updates) {
        if (journal == null) {
            return CompletableFuture.completedFuture(submit(updates));
        }
        checkBatch(updates);
        UpdateQueue.Accepted accepted = queue.acceptDurably(List.copyOf(updates));
        acceptedUpdates.increment(updates.size());
        return accepted.durable().thenApply(version -> new UpdateReceipt(version,
                market.latest().version() >= version));
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

    // ---- the re-clear loop: the market's only writer after the first version ----

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
                PublishedMarket.requireOptimal(cleared.result());
                reclearTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                // the published scenario is still the one before the batch: it holds the values replaced
                VersionCauses causes = VersionCauses.of(batch.updates(), market.latest().snapshot().scenario());
                queue.cleared(batch);
                market.publish(batch.version(), config.clock().instant(), cleared.scenario(), cleared.result(), causes);
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
            } catch (MarketRecordException e) {
                // the version is not on disk, so it is not published; the record takes no more until a restart
                queue.failed(batch);
                onFailure(batch, new ReclearFailedException(ReclearFailedException.Reason.RECORD, e.getMessage(), e));
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

    /** Keeps answering from the last good version, marked stale since the first failure in a row. */
    private void onFailure(UpdateQueue.Batch batch, ReclearFailedException e) {
        Counter.builder("tokenflow.reclear.failures").tag("reason", e.reason().name().toLowerCase())
                .description("Re-clears that produced no market").register(meters).increment();
        MarketState current = market.latest();
        LOG.log(Level.WARNING, "re-clear of version " + batch.version() + " (" + batch.updates().size()
                + " updates) failed, answering from version " + current.version() + " marked stale: "
                + e.getMessage());
        Instant since = current.staleness().map(MarketState.Staleness::since).orElse(config.clock().instant());
        market.restate(current.markedStale(new MarketState.Staleness(since, e.getMessage())));
        market.failWaiters(e);
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
        queue.close();
        reclearLoop.interrupt();
        try {
            reclearLoop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        market.close();
        guard.runLast(engine::close, 5);
        guard.close();
        if (journal != null) {
            journal.close(); // writes what is queued and a final snapshot
        }
        if (record != null) {
            record.close(); // every version is on disk already
        }
    }
}
