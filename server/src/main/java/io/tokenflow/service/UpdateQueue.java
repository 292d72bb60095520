package io.tokenflow.service;

import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.service.journal.UpdateLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accepted updates waiting for a re-clear, and the version numbers promised for them.
 *
 * <p>An update is validated against every update accepted before it (so an accepted batch always
 * applies), then waits here; the re-clear loop takes everything pending as one batch (coalescing). A
 * batch accepted while version v is being cleared is promised v + 1. A failed batch goes back to the
 * front of the queue and the next attempt covers it too; its version is then the highest one promised,
 * so a version number can be skipped after a failure but never reused, and every promise is kept by
 * the next successful clear.
 *
 * <p>Thread-safe: one lock guards everything; validation copies the scenario once per batch.
 */
final class UpdateQueue {
    /** Updates to clear as one version. */
    record Batch(long version, List<Entry> entries) {
        List<MarketUpdate> updates() {
            List<MarketUpdate> all = new ArrayList<>();
            entries.forEach(e -> all.addAll(e.updates()));
            return all;
        }
    }

    /** An accepted call: its updates, its journal sequence number and the version promised to it. */
    static final class Entry {
        private final List<MarketUpdate> updates;
        private final long seq;
        private final long version;
        private boolean durable;

        Entry(List<MarketUpdate> updates, long seq, long version, boolean durable) {
            this.updates = updates;
            this.seq = seq;
            this.version = version;
            this.durable = durable;
        }

        List<MarketUpdate> updates() {
            return updates;
        }
    }

    /** An accepted batch: the version promised, and when it may be acknowledged (on disk, or at once). */
    record Accepted(long version, CompletableFuture<Long> durable) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<Entry> pending = new ArrayList<>();
    private final UpdateLog log;
    private Scenario accepted;
    private long published;
    private long inFlight;
    private long promised;
    private long lastSeq;
    private Throwable logFailure;
    private boolean closed;

    UpdateQueue(Scenario cleared, long publishedVersion) {
        this(cleared, publishedVersion, 0, null);
    }

    /**
     * @param lastSeq the journal's last sequence number
     * @param log     where accepted batches are written before they are acknowledged; null: nowhere
     */
    UpdateQueue(Scenario cleared, long publishedVersion, long lastSeq, UpdateLog log) {
        this.accepted = cleared;
        this.published = publishedVersion;
        this.promised = publishedVersion;
        this.lastSeq = lastSeq;
        this.log = log;
    }

    /**
     * Validates and queues a batch, all or nothing.
     *
     * @return the version that will include it
     * @throws io.tokenflow.market.model.InvalidScenarioException on an invalid value (nothing queued)
     * @throws io.tokenflow.market.model.UnknownIdException on an unknown id (nothing queued)
     */
    long accept(List<MarketUpdate> updates) {
        return acceptDurably(updates).version();
    }

    /**
     * Validates and queues a batch, all or nothing; with a journal, also appends it there in the order
     * of validation. The batch is re-cleared only once its record is on disk ({@code durable}
     * completes then, on the journal's thread); if the journal fails, {@code durable} fails, the batch
     * is never published and every later call is refused (fail-stop).
     */
    Accepted acceptDurably(List<MarketUpdate> updates) {
        Entry entry;
        CompletableFuture<Void> written;
        lock.lock();
        try {
            if (closed) {
                throw new OracleUnavailableException("the oracle is shutting down and takes no updates");
            }
            if (logFailure != null) {
                throw new OracleUnavailableException("the update journal failed (" + logFailure.getMessage()
                        + "); the oracle takes no more updates until it is restarted");
            }
            Scenario next = accepted.withUpdates(updates);
            long version = (inFlight != 0 ? inFlight : published) + 1;
            long seq = lastSeq + 1;
            written = log == null ? null : log.append(seq, version, updates);
            accepted = next;
            lastSeq = seq;
            entry = new Entry(updates, seq, version, log == null);
            pending.add(entry);
            promised = Math.max(promised, version);
            work.signal();
        } finally {
            lock.unlock();
        }
        CompletableFuture<Long> durable = new CompletableFuture<>();
        if (written == null) {
            durable.complete(entry.version);
        } else {
            written.whenComplete((ok, error) -> {
                lock.lock();
                try {
                    if (error == null) {
                        entry.durable = true;
                        work.signalAll();
                    } else if (logFailure == null) {
                        logFailure = error;
                    }
                } finally {
                    lock.unlock();
                }
                if (error == null) {
                    durable.complete(entry.version);
                } else {
                    durable.completeExceptionally(new OracleUnavailableException("the update journal failed ("
                            + error.getMessage() + "); the update is not applied and the oracle takes no more"
                            + " updates until it is restarted"));
                }
            });
        }
        return new Accepted(entry.version, durable);
    }

    /**
     * Blocks until durable updates are pending; returns them as the next version, or null once closed.
     * The version is fixed first (later calls are promised the one after), then every update promised
     * it is waited for, so a published version never lacks an update acknowledged with it.
     */
    Batch take() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && (pending.isEmpty() || !pending.get(0).durable)) {
                work.await();
            }
            if (closed) {
                return null;
            }
            long version = Math.max(published + 1, promised);
            inFlight = version;
            while (!closed && !durableUpTo(version)) {
                work.await();
            }
            if (closed) {
                return null;
            }
            List<Entry> taken = new ArrayList<>();
            while (!pending.isEmpty() && pending.get(0).durable) {
                taken.add(pending.remove(0));
            }
            return new Batch(version, List.copyOf(taken));
        } finally {
            lock.unlock();
        }
    }

    private boolean durableUpTo(long version) {
        for (Entry e : pending) {
            if (e.version <= version && !e.durable) {
                return false;
            }
        }
        return true;
    }

    void cleared(Batch batch) {
        lock.lock();
        try {
            published = batch.version();
            inFlight = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Puts a batch that could not be cleared back in front of anything accepted since. */
    void failed(Batch batch) {
        lock.lock();
        try {
            pending.addAll(0, batch.entries());
            inFlight = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} or until closed; true if closed. */
    boolean awaitClose(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (!closed && left > 0) {
                left = work.awaitNanos(left);
            }
            return closed;
        } finally {
            lock.unlock();
        }
    }

    int pendingCount() {
        lock.lock();
        try {
            return pending.stream().mapToInt(e -> e.updates.size()).sum();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    static long nanos(java.time.Duration d) {
        return TimeUnit.NANOSECONDS.convert(d);
    }
}
