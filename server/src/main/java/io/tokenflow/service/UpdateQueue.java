package io.tokenflow.service;

import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import java.util.ArrayList;
import java.util.List;
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
    record Batch(long version, List<MarketUpdate> updates) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<MarketUpdate> pending = new ArrayList<>();
    private Scenario accepted;
    private long published;
    private long inFlight;
    private long promised;
    private boolean closed;

    UpdateQueue(Scenario cleared, long publishedVersion) {
        this.accepted = cleared;
        this.published = publishedVersion;
        this.promised = publishedVersion;
    }

    /**
     * Validates and queues a batch, all or nothing.
     *
     * @return the version that will include it
     * @throws io.tokenflow.market.model.InvalidScenarioException on an invalid value (nothing queued)
     * @throws io.tokenflow.market.model.UnknownIdException on an unknown id (nothing queued)
     */
    long accept(List<MarketUpdate> updates) {
        lock.lock();
        try {
            if (closed) {
                throw new OracleUnavailableException("the oracle is shutting down and takes no updates");
            }
            Scenario next = accepted.withUpdates(updates);
            accepted = next;
            pending.addAll(updates);
            long version = (inFlight != 0 ? inFlight : published) + 1;
            promised = Math.max(promised, version);
            work.signal();
            return version;
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until updates are pending; returns them all as the next version, or null once closed. */
    Batch take() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && pending.isEmpty()) {
                work.await();
            }
            if (closed) {
                return null;
            }
            Batch batch = new Batch(Math.max(published + 1, promised), List.copyOf(pending));
            pending.clear();
            inFlight = batch.version();
            return batch;
        } finally {
            lock.unlock();
        }
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
            pending.addAll(0, batch.updates());
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
            return pending.size();
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
