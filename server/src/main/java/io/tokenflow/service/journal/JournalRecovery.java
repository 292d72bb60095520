package io.tokenflow.service.journal;

import io.tokenflow.market.model.Scenario;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Recovery of a data directory: the newest snapshot, then every record after it in order, a torn tail
 * truncated away; one instance per call, confined to the calling thread (run it before the journal
 * opens, never beside a writer); it reads every segment the snapshot does not cover whole into memory,
 * and replays each record onto the scenario.
 *
 * <p><b>Rules.</b> A record with a bad magic, length or checksum, or cut short, ends replay: if no valid
 * record follows it in the last segment, it is a bad tail and is truncated away, after a copy of the
 * dropped bytes is kept in {@code dropped-<seq>.bin}. A tail cut short (or zeros) was never
 * acknowledged, logged as a WARNING with file and offset; a whole record failing its checksum may have
 * been (media damage after its fsync), logged as an ERROR that says so ({@link BadTail}); otherwise the data is
 * corrupt and recovery fails ({@link JournalCorruptException}) rather than skip acknowledged updates.
 * It fails as well on a bad record in a segment other than the last, a record whose checksum holds but
 * whose payload does not decode, a gap in sequence numbers, a record that no longer applies, and an
 * unreadable snapshot. Records at or below the snapshot's sequence number are skipped: compaction deletes the
 * segments a snapshot covers only after writing it, so a crash in between leaves them behind.
 */
final class JournalRecovery {
    // the journal's one logger name, as before the split, so logging configuration keeps matching
    private static final System.Logger LOG = System.getLogger(UpdateJournal.class.getName());

    private Scenario scenario;
    private long snapSeq = -1;
    private long maxVersion = 0;
    private long expected;
    private long lastSeq;
    private int replayed;
    private final List<String> torn = new ArrayList<>();

    private JournalRecovery(Scenario base) {
        this.scenario = base;
    }

    /**
     * Reads a data directory (creating it if missing): the newest snapshot (else {@code base}) and every
     * valid record after it, truncating a torn tail.
     *
     * @throws JournalCorruptException if the directory holds data recovery must not guess about
     */
    static UpdateJournal.Recovered recover(Path dir, Scenario base) throws IOException {
        return new JournalRecovery(base).run(dir);
    }

    private UpdateJournal.Recovered run(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = JournalFiles.list(dir);
        Path newest = null;
        List<Path> segments = new ArrayList<>(); // in sequence order, as the names sort
        for (Path file : files) {
            if (JournalFiles.snapshotSeq(file) >= 0) {
                newest = file; // names sort by seq
            } else if (JournalFiles.segmentSeq(file) >= 0) {
                segments.add(file);
            } else if (file.getFileName().toString().endsWith(JournalFiles.SNAPSHOT_TMP_SUFFIX)) {
                Files.deleteIfExists(file); // a snapshot that never got renamed
            } else if (file.getFileName().toString().matches("dropped-.*\\.bin\\.tmp")) {
                Files.deleteIfExists(file); // a copy of a bad tail that never got renamed
            }
        }
        if (newest != null) {
            readSnapshot(newest);
        }
        expected = Math.max(snapSeq, 0) + 1;
        lastSeq = Math.max(snapSeq, 0);
        for (int s = 0; s < segments.size(); s++) {
            boolean last = s == segments.size() - 1;
            if (!last && JournalFiles.segmentSeq(segments.get(s + 1)) <= snapSeq + 1) {
                continue; // every record in it is covered by the snapshot (deleted when the journal opens)
            }
            replay(segments.get(s), last);
        }
        return new UpdateJournal.Recovered(scenario, lastSeq, maxVersion, snapSeq, replayed, List.copyOf(torn));
    }

    private void readSnapshot(Path file) {
        try {
            JournalCodec.Snapshot snapshot = JournalCodec.decodeSnapshot(Files.readAllBytes(file));
            snapSeq = snapshot.seq();
            maxVersion = snapshot.version();
            scenario = snapshot.scenario();
        } catch (IOException | RuntimeException e) {
            throw new JournalCorruptException("snapshot " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Replays one segment's records after the snapshot; a bad record ends it (torn tail) or recovery. */
    private void replay(Path file, boolean last) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int pos = 0;
        while (pos < bytes.length) {
            String bad = JournalCodec.check(bytes, pos);
            if (bad != null) {
                if (!last || JournalCodec.validRecordAfter(bytes, pos + 1)) {
                    throw new JournalCorruptException("journal " + file + " has a bad record at offset " + pos
                            + " (" + bad + ") followed by valid records: refusing to start rather than skip"
                            + " acknowledged updates; move the data directory aside to start afresh");
                }
                truncateTornTail(file, bytes, pos, bad);
                return;
            }
            JournalCodec.Entry d;
            try {
                d = JournalCodec.decode(bytes, pos);
            } catch (IOException e) {
                throw new JournalCorruptException("journal " + file + " record at offset " + pos
                        + " has a valid checksum but cannot be decoded: " + e.getMessage(), e);
            }
            int at = pos;
            pos += JournalCodec.size(bytes, pos);
            if (d.seq() <= snapSeq) {
                continue;
            }
            if (d.seq() != expected) {
                throw new JournalCorruptException("journal " + file + " record at offset " + at
                        + " has sequence " + d.seq() + ", expected " + expected + " (records are missing)");
            }
            try {
                scenario = scenario.withUpdates(d.updates());
            } catch (RuntimeException e) {
                throw new JournalCorruptException("journal " + file + " record " + d.seq()
                        + " does not apply to the recovered scenario: " + e.getMessage(), e);
            }
            expected++;
            lastSeq = d.seq();
            maxVersion = Math.max(maxVersion, d.version());
            replayed++;
        }
    }

    /**
     * Keeps a copy of the bad tail ({@code dropped-<seq>.bin}, seq the number the dropped record would
     * have had), says what it means ({@link BadTail}), then truncates the segment before it.
     */
    private void truncateTornTail(Path file, byte[] bytes, int pos, String bad) throws IOException {
        BadTail.Kind kind = BadTail.classify(bad, bytes, pos);
        Path dir = file.toAbsolutePath().getParent();
        String copy = BadTail.keepCopy(dir, Long.toString(expected), bytes, pos);
        String meaning = BadTail.meaning(kind, "an acknowledged update");
        String what = file.getFileName() + " at offset " + pos + " (" + bad + ", " + (bytes.length - pos)
                + " bytes dropped, a copy kept in " + copy + "): " + meaning;
        LOG.log(kind.mayHaveBeenAcknowledged() ? Level.ERROR : Level.WARNING, "journal " + file + ": bad tail record"
                + " (record " + expected + ") at offset " + pos + " (" + bad + "), truncating " + (bytes.length - pos)
                + " bytes, a copy kept in " + dir.resolve(copy) + ": " + meaning);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(pos);
            ch.force(true);
        }
        torn.add(what);
    }
}
