package io.tokenflow.service.journal;

import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The journal's group-commit writer: one thread that writes queued records to the current segment,
 * forces once per batch and completes the appends' futures, and that snapshots and compacts the
 * directory every {@code snapshotEvery} records; {@link #append} and {@link #close} are safe from any
 * thread, and an append costs a lock and a list add, the thread one write and one
 * {@code force(false)} per batch (plus, per snapshot, a scenario replay and three fsyncs).
 *
 * <p><b>Group commit.</b> {@link #append} only queues; the writer thread takes everything queued since
 * its last force, writes it in one go, forces once ({@code FileChannel.force(false)}), then completes the
 * appends' futures, on its own thread, never on an appender's. Every {@code snapshotEvery} records it
 * writes a snapshot, starts a new segment and deletes the segments and snapshots the new one covers.
 *
 * <p><b>Failure.</b> If a write or force fails the writer stops for good (fail-stop): the batch's and
 * every later append's future fails, and the caller must stop accepting updates.
 */
final class GroupCommitWriter {
    // the journal's one logger name, as before the split, so logging configuration keeps matching
    private static final System.Logger LOG = System.getLogger(UpdateJournal.class.getName());

    private record Append(JournalCodec.Entry entry, CompletableFuture<Void> done) {}

    private final Path dir;
    private final int snapshotEvery;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final List<Append> queue = new ArrayList<>();
    private final Thread writer;
    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private boolean closing;
    private Throwable failure;
    // writer thread only (and start/close, which run before it starts / after it ends)
    private FileChannel segment;
    private Scenario snapshotScenario;
    private long snapshotSeq;
    private final List<List<MarketUpdate>> sinceSnapshot = new ArrayList<>();
    private long lastSeq;
    private long maxVersion;

    /** A writer whose records follow {@code lastSeq}; nothing is written before {@link #start}. */
    GroupCommitWriter(Path dir, int snapshotEvery, Scenario scenario, long lastSeq, long maxVersion) {
        this.dir = dir;
        this.snapshotEvery = snapshotEvery;
        this.snapshotScenario = scenario;
        this.snapshotSeq = lastSeq;
        this.lastSeq = lastSeq;
        this.maxVersion = maxVersion;
        this.writer = new Thread(this::writeLoop, "tokenflow-journal");
        writer.setDaemon(true);
    }

    /**
     * Writes a snapshot of the state given to the constructor (carrying its {@code maxVersion}, so the
     * next process starts above it even if nothing is appended), starts a new segment after it, deletes
     * what it covers, and only then starts the writer thread.
     */
    void start() throws IOException {
        snapshotAndRoll();
        writer.start();
    }

    // ---- appending ----

    /** Queues one record; the future completes on the writer thread once it is forced. */
    CompletableFuture<Void> append(long seq, long version, List<MarketUpdate> updates) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (failure != null) {
                done.completeExceptionally(new IOException("the update journal failed earlier: " + failure, failure));
                return done;
            }
            if (closing) {
                done.completeExceptionally(new IOException("the update journal is closed"));
                return done;
            }
            queue.add(new Append(new JournalCodec.Entry(seq, version, List.copyOf(updates)), done));
            queued.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    /** Forces done so far (each covers every record queued before it started). */
    long forces() {
        return forces.get();
    }

    /** Records written and forced so far. */
    long records() {
        return written.get();
    }

    private void writeLoop() {
        List<Append> batch = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return; // closing and drained
                }
                batch.addAll(queue);
                queue.clear();
            } finally {
                lock.unlock();
            }
            try {
                ByteBuffer out = JournalCodec.encode(batch.stream().map(Append::entry).toList());
                while (out.hasRemaining()) {
                    segment.write(out);
                }
                segment.force(false);
                forces.incrementAndGet();
                written.addAndGet(batch.size());
            } catch (IOException | RuntimeException e) {
                fail(batch, e);
                return;
            }
            for (Append a : batch) {
                sinceSnapshot.add(a.entry().updates());
                lastSeq = a.entry().seq();
                maxVersion = Math.max(maxVersion, a.entry().version());
            }
            batch.forEach(a -> a.done().complete(null));
            batch.clear();
            if (sinceSnapshot.size() >= snapshotEvery) {
                try {
                    snapshotAndRoll();
                } catch (IOException | RuntimeException e) {
                    // the records are safe in the journal; try again at the next interval
                    LOG.log(Level.WARNING, "snapshot of " + dir + " at record " + lastSeq + " failed (the journal"
                            + " keeps the records; retrying later): " + e);
                }
            }
        }
    }

    private void fail(List<Append> batch, Throwable e) {
        LOG.log(Level.ERROR, "the update journal in " + dir + " failed; the oracle takes no more updates: " + e);
        List<Append> failed = new ArrayList<>(batch);
        lock.lock();
        try {
            failure = e;
            failed.addAll(queue);
            queue.clear();
        } finally {
            lock.unlock();
        }
        IOException cause = new IOException("the update journal failed: " + e, e);
        failed.forEach(a -> a.done().completeExceptionally(cause));
    }

    // ---- snapshots ----

    /** Writes a snapshot at {@link #lastSeq}, starts segment lastSeq + 1, deletes what the snapshot covers. */
    private void snapshotAndRoll() throws IOException {
        Scenario scenario = snapshotScenario;
        for (List<MarketUpdate> updates : sinceSnapshot) {
            scenario = scenario.withUpdates(updates);
        }
        byte[] snapshot = JournalCodec.encodeSnapshot(new JournalCodec.Snapshot(lastSeq, maxVersion, scenario));
        JournalFiles.writeAtomically(dir, JournalFiles.snapshotName(lastSeq), snapshot);
        snapshotScenario = scenario;
        snapshotSeq = lastSeq;
        sinceSnapshot.clear();

        if (segment != null) {
            segment.close();
        }
        segment = FileChannel.open(dir.resolve(JournalFiles.segmentName(lastSeq + 1)), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        JournalFiles.forceDirectory(dir);
        for (Path p : JournalFiles.list(dir)) {
            long seg = JournalFiles.segmentSeq(p);
            long snap = JournalFiles.snapshotSeq(p);
            if ((seg >= 0 && seg <= snapshotSeq) || (snap >= 0 && snap < snapshotSeq)) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- closing ----

    /**
     * Drains the queue and ends the writer thread, then (if {@code snapshot}, no failure and records
     * came since the last) writes a final snapshot, and closes the segment. Idempotent.
     */
    void close(boolean snapshot) {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (snapshot && failure == null && !sinceSnapshot.isEmpty()) {
                snapshotAndRoll();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "final snapshot of " + dir + " failed (the journal keeps the records): " + e);
        } finally {
            try {
                if (segment != null) {
                    segment.close();
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the journal segment failed: " + e);
            }
        }
    }
}
