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
 * forces once per batch, rewrites the commit marker and completes the appends' futures, and that
 * snapshots and compacts the directory every {@code snapshotEvery} records; {@link #append} and
 * {@link #close} are safe from any thread, and an append costs a lock and a list add, the thread one
 * write and two {@code force(false)} per batch, the segment's and the marker's (plus, per snapshot, a
 * scenario replay and three fsyncs).
 *
 * <p><b>Group commit.</b> {@link #append} only queues; the writer thread takes everything queued since
 * its last force, writes it in one go, forces once ({@code FileChannel.force(false)}), writes the batch's
 * last sequence number and highest version to the {@link CommitMarker} (forced: in this order, so the
 * marker never claims a record the segment may lack), then completes the appends' futures, on its own
 * thread, never on an appender's. Every {@code snapshotEvery} records it writes a snapshot, starts a new
 * segment and deletes the segments and snapshots the new one covers.
 *
 * <p><b>Failure.</b> If a write or force of the segment or the marker fails the writer stops for good
 * (fail-stop): the batch's and every later append's future fails, and the caller must stop accepting
 * updates. A failed snapshot only delays compaction (the records are safe in the journal): it is tried
 * again after another {@code snapshotEvery} records, not after every batch, its temporary file is
 * removed, and a streak of failures is logged once (WARNING) and its end once (INFO).
 */
final class GroupCommitWriter {
    // the journal's one logger name, as before the split, so logging configuration keeps matching
    private static final System.Logger LOG = System.getLogger(UpdateJournal.class.getName());

    private record Append(JournalCodec.Entry entry, CompletableFuture<Void> done) {}

    /** Writes a file whole or not at all ({@link JournalFiles#writeAtomically}); tests inject failures. */
    @FunctionalInterface
    interface SnapshotWriter {
        void write(Path dir, String name, byte[] bytes) throws IOException;
    }

    private final Path dir;
    private final int snapshotEvery;
    private final SnapshotWriter snapshots;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final List<Append> queue = new ArrayList<>();
    private final Thread writer;
    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong snapshotFailures = new AtomicLong();
    private boolean closing;
    private Throwable failure;
    // writer thread only (and start/close, which run before it starts / after it ends)
    private FileChannel segment;
    private CommitMarker marker;
    /** Records since the last snapshot after which the next is tried: snapshotEvery, pushed on by failures. */
    private long snapshotDue;
    private int snapshotFailuresInARow;
    private Scenario snapshotScenario;
    private long snapshotSeq;
    private final List<List<MarketUpdate>> sinceSnapshot = new ArrayList<>();
    private long lastSeq;
    private long maxVersion;

    /** A writer whose records follow {@code lastSeq}; nothing is written before {@link #start}. */
    GroupCommitWriter(Path dir, int snapshotEvery, Scenario scenario, long lastSeq, long maxVersion) {
        this(dir, snapshotEvery, scenario, lastSeq, maxVersion, JournalFiles::writeAtomically);
    }

    /** As the other constructor, writing snapshots with {@code snapshots}. */
    GroupCommitWriter(Path dir, int snapshotEvery, Scenario scenario, long lastSeq, long maxVersion,
            SnapshotWriter snapshots) {
        this.dir = dir;
        this.snapshotEvery = snapshotEvery;
        this.snapshots = snapshots;
        this.snapshotDue = snapshotEvery;
        this.snapshotScenario = scenario;
        this.snapshotSeq = lastSeq;
        this.lastSeq = lastSeq;
        this.maxVersion = maxVersion;
        this.writer = new Thread(this::writeLoop, "tokenflow-journal");
        writer.setDaemon(true);
    }

    /**
     * Writes the commit marker and then a snapshot of the state given to the constructor (both carrying
     * its {@code maxVersion}, so the next process starts above it even if nothing is appended), starts a
     * new segment after it, deletes what it covers, and only then starts the writer thread. The marker
     * goes first: a snapshot saying the directory keeps a marker must never be on disk without one.
     */
    void start() throws IOException {
        marker = CommitMarker.open(dir);
        try {
            marker.write(lastSeq, maxVersion);
            snapshotAndRoll();
        } catch (IOException | RuntimeException e) {
            closeQuietly(marker);
            throw e;
        }
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

    /** Periodic snapshots that failed so far (the journal kept their records). */
    long snapshotFailures() {
        return snapshotFailures.get();
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
            long batchSeq = batch.get(batch.size() - 1).entry().seq();
            long batchVersion = maxVersion;
            for (Append a : batch) {
                batchVersion = Math.max(batchVersion, a.entry().version());
            }
            try {
                ByteBuffer out = JournalCodec.encode(batch.stream().map(Append::entry).toList());
                while (out.hasRemaining()) {
                    segment.write(out);
                }
                segment.force(false);
                marker.write(batchSeq, batchVersion);
                forces.incrementAndGet();
                written.addAndGet(batch.size());
            } catch (IOException | RuntimeException e) {
                fail(batch, e);
                return;
            }
            for (Append a : batch) {
                sinceSnapshot.add(a.entry().updates());
            }
            lastSeq = batchSeq;
            maxVersion = batchVersion;
            batch.forEach(a -> a.done().complete(null));
            batch.clear();
            if (sinceSnapshot.size() >= snapshotDue) {
                periodicSnapshot();
            }
        }
    }

    /**
     * A snapshot at the interval; on failure the next try waits for another {@code snapshotEvery} records
     * (each try replays and writes the whole scenario, so trying after every batch would turn one failing
     * disk into a failing disk and a busy writer), and only the first failure of a streak is logged.
     */
    private void periodicSnapshot() {
        try {
            snapshotAndRoll();
        } catch (IOException | RuntimeException e) {
            snapshotFailures.incrementAndGet();
            snapshotFailuresInARow++;
            snapshotDue = sinceSnapshot.size() + (long) snapshotEvery;
            if (snapshotFailuresInARow == 1) {
                LOG.log(Level.WARNING, "snapshot of " + dir + " at record " + lastSeq + " failed (the journal keeps"
                        + " the records; trying again every " + snapshotEvery + " records, and saying so again only"
                        + " once one succeeds): " + e);
            }
            return;
        }
        int streak = snapshotFailuresInARow;
        snapshotFailuresInARow = 0;
        snapshotDue = snapshotEvery;
        if (streak > 0) {
            LOG.log(Level.INFO, "snapshot of " + dir + " at record " + lastSeq + " succeeded after " + streak
                    + " failed attempt" + (streak == 1 ? "" : "s"));
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

    /**
     * Writes a snapshot at {@link #lastSeq}, starts segment lastSeq + 1, deletes what the snapshot covers.
     * If it throws, the journal goes on in the segment it was writing: a snapshot written before the
     * failure covers only records in it, and a new segment that could not be made durable is removed
     * (left behind empty, it would make recovery skip the segment before it).
     */
    private void snapshotAndRoll() throws IOException {
        Scenario scenario = snapshotScenario;
        for (List<MarketUpdate> updates : sinceSnapshot) {
            scenario = scenario.withUpdates(updates);
        }
        byte[] snapshot = JournalCodec.encodeSnapshot(new JournalCodec.Snapshot(lastSeq, maxVersion, scenario, true));
        snapshots.write(dir, JournalFiles.snapshotName(lastSeq), snapshot);

        Path nextFile = dir.resolve(JournalFiles.segmentName(lastSeq + 1));
        FileChannel next = FileChannel.open(nextFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            JournalFiles.forceDirectory(dir);
        } catch (IOException | RuntimeException e) {
            closeQuietly(next);
            Files.deleteIfExists(nextFile);
            throw e;
        }
        if (segment != null) {
            closeQuietly(segment); // every record in it is forced already
        }
        segment = next;
        snapshotScenario = scenario;
        snapshotSeq = lastSeq;
        sinceSnapshot.clear();
        compact();
    }

    /** Deletes the segments and older snapshots the newest snapshot covers; what stays is retried next time. */
    private void compact() {
        try {
            for (Path p : JournalFiles.list(dir)) {
                long seg = JournalFiles.segmentSeq(p);
                long snap = JournalFiles.snapshotSeq(p);
                if ((seg >= 0 && seg <= snapshotSeq) || (snap >= 0 && snap < snapshotSeq)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // recovery skips what a snapshot covers, so leftovers cost only disk until the next snapshot
            LOG.log(Level.WARNING, "compacting " + dir + " after the snapshot at record " + snapshotSeq + " failed"
                    + " (retried at the next snapshot): " + e);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing a journal file failed: " + e);
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
            if (segment != null) {
                closeQuietly(segment);
            }
            if (marker != null) {
                closeQuietly(marker);
            }
        }
    }
}
