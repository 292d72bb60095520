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
 * Recovery of a data directory: the newest snapshot, then every record after it in order, checked
 * against the commit marker and the market record, a torn tail truncated away; one instance per call,
 * confined to the calling thread (run it before the journal opens, never beside a writer); it reads
 * every segment the snapshot does not cover whole into memory, and replays each record onto the
 * scenario.
 *
 * <p><b>Rules.</b> A record with a bad magic, length or checksum, or cut short, ends replay: if no valid
 * record follows it in the last segment, it is a bad tail. With a commit marker ({@link CommitMarker})
 * a bad tail is a torn write only if its sequence number is beyond the marker's (it was never
 * acknowledged: a WARNING); at or below it, acknowledged data is damaged ({@link JournalLossException}).
 * Without a marker (a directory from before markers) the old rule stands: cut short or zeros were never
 * acknowledged (WARNING), a whole record failing its checksum may have been ({@link BadTail}; ERROR).
 * A dropped tail is truncated away after a copy is kept in {@code dropped-<seq>.bin}. Recovery fails with
 * {@link JournalCorruptException} on a bad record in a segment other than the last or followed by valid
 * records, a record whose checksum holds but whose payload does not decode, a gap in sequence numbers,
 * a record that no longer applies, and an unreadable snapshot. Records at or below the snapshot's
 * sequence number are skipped: compaction deletes the segments a snapshot covers only after writing
 * it, so a crash in between leaves them behind.
 *
 * <p><b>Losses</b> ({@link JournalLossException} unless {@link RecoveryOptions#acceptJournalLoss()}):
 * the journal ends before the marker's last acknowledged record (a segment truncated, emptied, deleted
 * or restored from an older copy); a bad record at or below it; the marker missing although the
 * snapshot says the directory kept one, or unreadable, or older than a snapshot written with it;
 * segments without a snapshot; and a market record holding a version above every version the journal
 * and marker promised (both older than the record), or holding versions with no journal at all. A
 * refused start changes nothing: bad tails are truncated only once every check has passed.
 */
final class JournalRecovery {
    // the journal's one logger name, as before the split, so logging configuration keeps matching
    private static final System.Logger LOG = System.getLogger(UpdateJournal.class.getName());

    /** A bad tail to drop once every check has passed. */
    private record Tail(Path file, byte[] bytes, int pos, String bad, long seq, BadTail.Kind kind, boolean lost) {}

    private final RecoveryOptions options;
    private Scenario scenario;
    private Path snapshotFile;
    private JournalCodec.Snapshot snapshot;
    private long snapSeq = -1;
    private long maxVersion = 0;
    private long expected;
    private long lastSeq;
    private String endsIn;
    private int replayed;
    /** The marker's last state, or null if there is none to check against (absent, unreadable and accepted). */
    private CommitMarker.State marker;
    private Tail tail;
    private final List<String> notices = new ArrayList<>();
    private final List<String> accepted = new ArrayList<>();

    private JournalRecovery(Scenario base, RecoveryOptions options) {
        this.scenario = base;
        this.options = options;
    }

    /** As {@link #recover(Path, Scenario, RecoveryOptions)} with {@link RecoveryOptions#STRICT}. */
    static UpdateJournal.Recovered recover(Path dir, Scenario base) throws IOException {
        return recover(dir, base, RecoveryOptions.STRICT);
    }

    /**
     * Reads a data directory (creating it if missing): the newest snapshot (else {@code base}) and every
     * valid record after it, checked against the commit marker and {@code options}, truncating a torn tail.
     *
     * @throws JournalLossException    if acknowledged records are missing or damaged, or the marker cannot
     *                                 vouch for them, and {@code options} does not accept that
     * @throws JournalCorruptException if the directory holds other data recovery must not guess about
     */
    static UpdateJournal.Recovered recover(Path dir, Scenario base, RecoveryOptions options) throws IOException {
        return new JournalRecovery(base, options).run(dir);
    }

    private UpdateJournal.Recovered run(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> segments = new ArrayList<>(); // in sequence order, as the names sort
        for (Path file : JournalFiles.list(dir)) {
            String name = file.getFileName().toString();
            if (JournalFiles.snapshotSeq(file) >= 0) {
                snapshotFile = file; // names sort by seq: the last is the newest
            } else if (JournalFiles.segmentSeq(file) >= 0) {
                segments.add(file);
            } else if (name.endsWith(JournalFiles.SNAPSHOT_TMP_SUFFIX) || name.matches("dropped-.*\\.bin\\.tmp")) {
                Files.deleteIfExists(file); // a snapshot or a copy of a bad tail that never got renamed
            }
        }
        if (snapshotFile != null) {
            readSnapshot(snapshotFile);
            endsIn = snapshotFile.getFileName() + ", no record after it";
        } else {
            endsIn = "no snapshot or segment in the directory";
        }
        if (snapshotFile == null && !segments.isEmpty()) {
            lose("the journal has segments (the first " + segments.get(0).getFileName() + ") but no snapshot: the"
                    + " snapshot was deleted, so the state the segments start from is unknown");
        }
        CommitMarker.Read read = CommitMarker.read(dir);
        checkMarker(read);
        expected = Math.max(snapSeq, 0) + 1;
        lastSeq = Math.max(snapSeq, 0);
        for (int s = 0; s < segments.size(); s++) {
            boolean last = s == segments.size() - 1;
            if (!last && JournalFiles.segmentSeq(segments.get(s + 1)) <= snapSeq + 1) {
                continue; // every record in it is covered by the snapshot (deleted when the journal opens)
            }
            replay(segments.get(s), last);
        }
        checkEnd(read, segments.isEmpty());
        List<String> torn = tail == null ? List.of() : List.of(dropTail(dir, tail));
        long promised = Math.max(maxVersion, Math.max(marker == null ? 0 : marker.maxVersion(),
                options.recordedVersion()));
        // after an accepted loss, numbers the lost records had are not handed out again
        long resumeAfter = Math.max(lastSeq, marker == null ? 0 : marker.lastSeq());
        return new UpdateJournal.Recovered(scenario, resumeAfter, promised, snapSeq, replayed, torn,
                List.copyOf(notices), List.copyOf(accepted));
    }

    private void readSnapshot(Path file) {
        try {
            snapshot = JournalCodec.decodeSnapshot(Files.readAllBytes(file));
            snapSeq = snapshot.seq();
            maxVersion = snapshot.version();
            scenario = snapshot.scenario();
        } catch (IOException | RuntimeException e) {
            throw new JournalCorruptException("snapshot " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Takes the marker as the witness to check against, or says why there is none. */
    private void checkMarker(CommitMarker.Read read) {
        String markerName = "the commit marker (" + CommitMarker.FILE + ")";
        if (read instanceof CommitMarker.Unreadable u) {
            lose(markerName + " cannot be read (" + u.why() + "): whether acknowledged records are missing cannot"
                    + " be checked");
        } else if (read instanceof CommitMarker.Absent) {
            if (snapshot != null && snapshot.markerKept()) {
                lose(markerName + " is missing, but " + snapshotFile.getFileName() + " was written while this"
                        + " directory kept one (the marker deleted, or the directory restored without it): whether"
                        + " acknowledged records are missing cannot be checked");
            } else if (snapshot != null) {
                notice("no commit marker: a data directory written before commit markers; whether acknowledged"
                        + " records are missing cannot be checked this once, and a marker is written from now on");
            }
        } else if (read instanceof CommitMarker.Found f) {
            marker = f.state();
            if (snapshot != null && (snapSeq > marker.lastSeq() || snapshot.version() > marker.maxVersion())) {
                String older = markerName + " says records up to " + marker.lastSeq() + " were acknowledged"
                        + " (versions up to " + marker.maxVersion() + " promised), but " + snapshotFile.getFileName()
                        + " covers records up to " + snapSeq + " (versions up to " + snapshot.version() + ")";
                if (snapshot.markerKept()) {
                    lose(older + ": the marker is older than the journal (restored from an older copy?)");
                } else {
                    notice(older + ", written by a tokenflow without commit markers since: the marker is checked"
                            + " as it is this once and rewritten");
                }
            }
        }
    }

    /** Replays one segment's records after the snapshot; a bad record ends it (a bad tail) or recovery. */
    private void replay(Path file, boolean last) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        endsIn = "the end of " + file.getFileName();
        int pos = 0;
        while (pos < bytes.length) {
            String bad = JournalCodec.check(bytes, pos);
            if (bad != null) {
                if (!last || JournalCodec.validRecordAfter(bytes, pos + 1)) {
                    throw new JournalCorruptException("journal " + file + " has a bad record at offset " + pos
                            + " (" + bad + ") followed by valid records: refusing to start rather than skip"
                            + " acknowledged updates; move the data directory aside to start afresh");
                }
                boolean acknowledged = marker != null && expected <= marker.lastSeq();
                if (acknowledged) {
                    lose("journal " + file.getFileName() + " has a bad record at offset " + pos + " (" + bad
                            + "): record " + expected + ", but the commit marker (" + CommitMarker.FILE + ") says"
                            + " records up to " + marker.lastSeq() + " were acknowledged, so this is damage to"
                            + " acknowledged updates, not a torn write: records " + expected + " to "
                            + marker.lastSeq() + " are lost");
                }
                tail = new Tail(file, bytes, pos, bad, expected, BadTail.classify(bad, bytes, pos), acknowledged);
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

    /** The journal's end against the marker's, and the versions it promised against the market record's. */
    private void checkEnd(CommitMarker.Read read, boolean noSegments) {
        if (marker != null && lastSeq < marker.lastSeq() && (tail == null || !tail.lost())) {
            lose("the journal ends at record " + lastSeq + " (" + endsIn + ") but the commit marker ("
                    + CommitMarker.FILE + ") says records up to " + marker.lastSeq() + " were acknowledged: records "
                    + (lastSeq + 1) + " to " + marker.lastSeq() + " are missing (a journal segment truncated, emptied,"
                    + " deleted or restored from an older copy)");
        }
        long recorded = options.recordedVersion();
        long promised = Math.max(maxVersion, marker == null ? 0 : marker.maxVersion());
        if (recorded > 0 && snapshot == null && noSegments && read instanceof CommitMarker.Absent) {
            lose("the data directory has no snapshot, journal segment or commit marker, but its market record holds"
                    + " versions up to " + recorded + ": the journal was deleted or moved away");
        } else if (recorded > promised) {
            lose("the market record holds versions up to " + recorded + ", but the journal and the commit marker"
                    + " promised versions only up to " + promised + ": they are older than the record (restored"
                    + " from an older copy?), so the updates published as versions " + (promised + 1) + " to "
                    + recorded + " are missing");
        }
    }

    /** Refuses to start on {@code loss}, unless the options accept it: then it is logged and reported. */
    private void lose(String loss) {
        if (!options.acceptJournalLoss()) {
            throw new JournalLossException(loss);
        }
        LOG.log(Level.ERROR, "accepting a journal loss (--accept-journal-loss): " + loss);
        accepted.add(loss);
    }

    private void notice(String what) {
        LOG.log(Level.WARNING, what);
        notices.add(what);
    }

    /**
     * Keeps a copy of the bad tail ({@code dropped-<seq>.bin}, seq the number the dropped record would
     * have had), says what it means, then truncates the segment before it.
     */
    private String dropTail(Path dir, Tail t) throws IOException {
        String meaning;
        boolean error;
        if (t.lost()) {
            meaning = "record " + t.seq() + " was acknowledged (the commit marker says records up to "
                    + marker.lastSeq() + " were); dropped because --accept-journal-loss was given";
            error = true;
        } else if (marker != null) {
            meaning = "record " + t.seq() + " comes after record " + marker.lastSeq() + ", the last the commit marker"
                    + " says was acknowledged, so it was never acknowledged (" + switch (t.kind()) {
                        case CUT_SHORT -> "a write the crash cut short";
                        case UNWRITTEN -> "zeros the file system allocated, never written";
                        case DAMAGED -> "a write the crash tore";
                    } + ")";
            error = false;
        } else {
            meaning = BadTail.meaning(t.kind(), "an acknowledged update");
            error = t.kind().mayHaveBeenAcknowledged();
        }
        int dropped = t.bytes().length - t.pos();
        String copy = BadTail.keepCopy(dir, Long.toString(t.seq()), t.bytes(), t.pos());
        LOG.log(error ? Level.ERROR : Level.WARNING, "journal " + t.file() + ": bad tail record (record " + t.seq()
                + ") at offset " + t.pos() + " (" + t.bad() + "), truncating " + dropped + " bytes, a copy kept in "
                + dir.resolve(copy) + ": " + meaning);
        try (FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.WRITE)) {
            ch.truncate(t.pos());
            ch.force(true);
        }
        return t.file().getFileName() + " at offset " + t.pos() + " (" + t.bad() + ", " + dropped
                + " bytes dropped, a copy kept in " + copy + "): " + meaning;
    }
}
