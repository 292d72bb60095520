package io.tokenflow.service.journal;

import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The update journal of {@code tokenflow serve --data-dir}: accepted update batches appended to
 * segment files and forced to disk before they are acknowledged, plus periodic snapshots of the
 * accepted scenario behind which the journal is compacted; safe from any thread (appends in sequence
 * order, see {@link UpdateLog#append}), an append costing a queue add and a share of one fsync.
 *
 * <p>A façade over four parts, each documented in its own class:
 * <ul>
 *   <li><b>On disk</b> ({@link JournalCodec}, {@link JournalFiles}): {@code snapshot-<seq>.json}, the
 *       accepted scenario after record {@code seq} and the highest version promised so far, written so it
 *       is whole or absent; and {@code journal-<first seq>.log}, records
 *       {@code [magic "TFJ1"][length][CRC32C][payload]} with a compact JSON payload.</li>
 *   <li><b>Commit marker</b> ({@link CommitMarker}, {@code COMMIT}): the last acknowledged sequence number
 *       and the highest version promised, forced after every batch and before it is acknowledged, so
 *       that recovery can tell a journal that lost acknowledged records from one that simply ends.</li>
 *   <li><b>Group commit</b> ({@link GroupCommitWriter}): {@link #append} only queues; one writer thread
 *       writes everything queued since its last force in one go, forces once, rewrites the marker, then
 *       completes the appends' futures. If a write or force fails the journal stops for good
 *       (fail-stop): the batch's and every later append's future fails, and the caller must stop
 *       accepting updates.</li>
 *   <li><b>Recovery</b> ({@link JournalRecovery}, {@link #recover}): the newest snapshot, then every
 *       record after it in order, checked against the marker and the market record's newest version
 *       ({@link RecoveryOptions}); a torn tail in the last segment (never acknowledged) is truncated away
 *       (a copy kept in {@code dropped-<seq>.bin}; see {@link BadTail}), missing or damaged acknowledged
 *       records fail with {@link JournalLossException} unless the loss is accepted, anything else bad with
 *       {@link JournalCorruptException}.</li>
 * </ul>
 */
public final class UpdateJournal implements UpdateLog {

    /**
     * What a data directory holds.
     *
     * @param scenario     the accepted scenario after the last valid record (the base scenario if the
     *                     directory is new)
     * @param lastSeq      the sequence number new records follow: the last valid record's (0: none), or
     *                     after an accepted loss the last the commit marker says was acknowledged, so no
     *                     number is handed out twice
     * @param maxVersion   the highest version promised in the snapshot, the records and the commit marker,
     *                     or held by the market record (0: none); the next process must publish above it
     * @param snapshotSeq  the record the snapshot covers up to (-1: no snapshot, a new directory)
     * @param replayed     records replayed after the snapshot
     * @param tornTails    bad tails dropped, as "file at offset N (reason, K bytes dropped, a copy kept in
     *                     dropped-S.bin): what it means" (whether it may have been acknowledged)
     * @param notices      what recovery could not check and why (a directory from before commit markers)
     * @param acceptedLosses losses started over because {@link RecoveryOptions#acceptJournalLoss()}: each
     *                     the message the refusal would have had, without what to do
     */
    public record Recovered(Scenario scenario, long lastSeq, long maxVersion, long snapshotSeq, int replayed,
            List<String> tornTails, List<String> notices, List<String> acceptedLosses) {
        public Recovered {
            tornTails = List.copyOf(tornTails);
            notices = List.copyOf(notices);
            acceptedLosses = List.copyOf(acceptedLosses);
        }

        public boolean fresh() {
            return snapshotSeq < 0;
        }
    }

    private final GroupCommitWriter writer;

    private UpdateJournal(GroupCommitWriter writer) {
        this.writer = writer;
    }

    /** As {@link #recover(Path, Scenario, RecoveryOptions)} with {@link RecoveryOptions#STRICT}. */
    public static Recovered recover(Path dir, Scenario base) throws IOException {
        return JournalRecovery.recover(dir, base);
    }

    /**
     * Reads a data directory (creating it if missing): the newest snapshot (else {@code base}) and every
     * valid record after it, checked against the commit marker and {@code options}, truncating a torn tail.
     *
     * @throws JournalLossException    if acknowledged records are missing or damaged, or the marker cannot
     *                                 vouch for them, and {@code options} does not accept that
     * @throws JournalCorruptException if the directory holds other data recovery must not guess about
     */
    public static Recovered recover(Path dir, Scenario base, RecoveryOptions options) throws IOException {
        return JournalRecovery.recover(dir, base, options);
    }

    /**
     * Opens the journal after {@link #recover}: writes the commit marker, then a snapshot of the recovered
     * state, both carrying {@code firstVersion} (the version this process publishes first, so the next
     * process starts above it even if nothing is appended), deletes the segments it covers and starts a
     * new segment.
     */
    public static UpdateJournal open(Path dir, Recovered recovered, long firstVersion, int snapshotEvery)
            throws IOException {
        if (snapshotEvery < 1) {
            throw new IllegalArgumentException("snapshot interval must be >= 1 record, got " + snapshotEvery);
        }
        if (firstVersion <= recovered.maxVersion()) {
            throw new IllegalArgumentException("first version " + firstVersion + " must be above every version"
                    + " promised before, " + recovered.maxVersion());
        }
        GroupCommitWriter writer = new GroupCommitWriter(dir, snapshotEvery, recovered.scenario(),
                recovered.lastSeq(), firstVersion);
        writer.start();
        return new UpdateJournal(writer);
    }

    @Override
    public CompletableFuture<Void> append(long seq, long version, List<MarketUpdate> updates) {
        return writer.append(seq, version, updates);
    }

    /** Forces done so far (each covers every record queued before it started). */
    public long forces() {
        return writer.forces();
    }

    /** Records written and forced so far. */
    public long records() {
        return writer.records();
    }

    /** Periodic snapshots that failed so far (each retried after another snapshot interval of records). */
    public long snapshotFailures() {
        return writer.snapshotFailures();
    }

    /** Drains the queue, writes a final snapshot if records came since the last, closes the segment. */
    @Override
    public void close() {
        writer.close(true);
    }

    /** As a crash after the last force: drains the queue but writes no snapshot (tests). */
    public void closeWithoutSnapshot() {
        writer.close(false);
    }
}
