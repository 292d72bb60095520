package io.tokenflow.service.journal;

import io.tokenflow.service.LogRecorder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detect, never guess: every way a journal can lose acknowledged records (truncated at a record
 * boundary, inside a record, to zero bytes, a segment or the marker deleted, a bit flipped, journal and
 * marker rolled back behind the market record) refuses recovery with a message naming what is missing,
 * while what a crash leaves (a torn write beyond the marker, a marker one batch behind) still recovers.
 */
class JournalLossTest {
    private static final String SEGMENT = JournalFiles.segmentName(1);
    private static final String SNAPSHOT = JournalFiles.snapshotName(0);
    private final Scenario base = EmbeddedScenarios.get("five-node");
    private final String node = base.nodes().get(0).id();
    private final String classId = base.classes().get(0).id();
    private final Logger log = Logger.getLogger(UpdateJournal.class.getName());
    private final LogRecorder capture = new LogRecorder();

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(capture);
    }

    private MarketUpdate update(long i) {
        return new MarketUpdate.CapacityUpdate(node, classId, 1000 + i + 0.125);
    }

    private Scenario expected(long n) {
        Scenario s = base;
        for (long i = 1; i <= n; i++) {
            s = s.withUpdates(List.of(update(i)));
        }
        return s;
    }

    /**
     * A new directory, then records {@code from..to} (version = seq + 1) acknowledged one at a time,
     * closed as if killed after the last force: COMMIT says records up to {@code to}, versions up to to + 1.
     */
    private UpdateJournal journal(Path dir) throws IOException {
        return UpdateJournal.open(dir, UpdateJournal.recover(dir, base), 1, 1000);
    }

    private void append(UpdateJournal journal, long from, long to) {
        for (long i = from; i <= to; i++) {
            journal.append(i, i + 1, List.of(update(i))).join();
        }
    }

    private void writeAndCrash(Path dir, int n) throws IOException {
        UpdateJournal journal = journal(dir);
        append(journal, 1, n);
        journal.closeWithoutSnapshot();
    }

    /** The offset at which record {@code seq} starts in the first segment. */
    private static int offsetOf(Path segment, long seq) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        int pos = 0;
        for (long s = 1; s < seq; s++) {
            pos += JournalCodec.size(bytes, pos);
        }
        return pos;
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private JournalLossException refused(Path dir, RecoveryOptions options) {
        return assertThrows(JournalLossException.class, () -> UpdateJournal.recover(dir, base, options));
    }

    private static String refusal(String loss) {
        return loss + JournalLossException.WHAT_TO_DO;
    }

    private List<Level> levels() {
        return capture.records().stream().map(LogRecord::getLevel).toList();
    }

    // ---- refused ----

    @Test
    void aSegmentCutAtARecordBoundaryIsRefused(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 7);
        Path segment = dir.resolve(SEGMENT);
        truncate(segment, offsetOf(segment, 4));
        assertEquals(refusal("the journal ends at record 3 (the end of " + SEGMENT + ") but the commit marker (COMMIT)"
                + " says records up to 7 were acknowledged: records 4 to 7 are missing (a journal segment truncated,"
                + " emptied, deleted or restored from an older copy)"),
                refused(dir, RecoveryOptions.STRICT).getMessage());
    }

    @Test
    void aSegmentEmptiedOrDeletedIsRefused(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 5);
        Path segment = dir.resolve(SEGMENT);
        truncate(segment, 0);
        assertEquals(refusal("the journal ends at record 0 (the end of " + SEGMENT + ") but the commit marker (COMMIT)"
                + " says records up to 5 were acknowledged: records 1 to 5 are missing (a journal segment truncated,"
                + " emptied, deleted or restored from an older copy)"),
                refused(dir, RecoveryOptions.STRICT).getMessage());
        Files.delete(segment);
        assertTrue(refused(dir, RecoveryOptions.STRICT).getMessage().startsWith("the journal ends at record 0 ("
                + SNAPSHOT + ", no record after it) but the commit marker (COMMIT) says records up to 5 were"
                + " acknowledged: records 1 to 5 are missing"));
    }

    @Test
    void anAcknowledgedRecordCutShortIsDamageNotATornWrite(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 5);
        Path segment = dir.resolve(SEGMENT);
        int fifth = offsetOf(segment, 5);
        truncate(segment, Files.size(segment) - 7);
        byte[] before = Files.readAllBytes(segment);
        assertEquals(refusal("journal " + SEGMENT + " has a bad record at offset " + fifth + " (record cut short):"
                + " record 5, but the commit marker (COMMIT) says records up to 5 were acknowledged, so this is damage"
                + " to acknowledged updates, not a torn write: records 5 to 5 are lost"),
                refused(dir, RecoveryOptions.STRICT).getMessage());
        assertArrayEquals(before, Files.readAllBytes(segment), "a refused start truncates nothing");
        assertFalse(Files.exists(dir.resolve("dropped-5.bin")), "nor keeps a copy");
    }

    @Test
    void aDeletedMarkerIsRefusedBecauseTheSnapshotSaysThereWasOne(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 3);
        Files.delete(dir.resolve(CommitMarker.FILE));
        assertEquals(refusal("the commit marker (COMMIT) is missing, but " + SNAPSHOT + " was written while this"
                + " directory kept one (the marker deleted, or the directory restored without it): whether acknowledged"
                + " records are missing cannot be checked"), refused(dir, RecoveryOptions.STRICT).getMessage());
    }

    @Test
    void aMarkerWithNoValidSlotIsRefused(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 3);
        truncate(dir.resolve(CommitMarker.FILE), 10);
        assertEquals(refusal("the commit marker (COMMIT) cannot be read (10 bytes, neither of its two slots holds a"
                + " whole state with a valid checksum): whether acknowledged records are missing cannot be checked"),
                refused(dir, RecoveryOptions.STRICT).getMessage());
    }

    @Test
    void aMarkerOlderThanTheSnapshotWrittenWithItIsRefused(@TempDir Path dir) throws IOException {
        UpdateJournal journal = UpdateJournal.open(dir, UpdateJournal.recover(dir, base), 1, 2);
        append(journal, 1, 1);
        Path old = Files.copy(dir.resolve(CommitMarker.FILE), dir.resolve("COMMIT.old"));
        append(journal, 2, 3); // a snapshot at record 2
        journal.closeWithoutSnapshot();
        Files.move(old, dir.resolve(CommitMarker.FILE), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(refusal("the commit marker (COMMIT) says records up to 1 were acknowledged (versions up to 2"
                + " promised), but " + JournalFiles.snapshotName(2) + " covers records up to 2 (versions up to 3): the"
                + " marker is older than the journal (restored from an older copy?)"),
                refused(dir, RecoveryOptions.STRICT).getMessage());
    }

    @Test
    void aJournalAndMarkerOlderThanTheMarketRecordAreRefused(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 3); // versions up to 4 promised; the record says 6 were published
        assertEquals(refusal("the market record holds versions up to 6, but the journal and the commit marker promised"
                + " versions only up to 4: they are older than the record (restored from an older copy?), so the"
                + " updates published as versions 5 to 6 are missing"),
                refused(dir, new RecoveryOptions(6, false)).getMessage());
        assertEquals(3, UpdateJournal.recover(dir, base, new RecoveryOptions(4, false)).lastSeq(),
                "a record at the promised version is no loss");
    }

    @Test
    void aMarketRecordWithoutAnyJournalIsRefused(@TempDir Path dir) throws IOException {
        assertTrue(UpdateJournal.recover(dir, base, RecoveryOptions.STRICT).fresh(), "an empty directory is new");
        assertEquals(refusal("the data directory has no snapshot, journal segment or commit marker, but its market"
                + " record holds versions up to 5: the journal was deleted or moved away"),
                refused(dir, new RecoveryOptions(5, false)).getMessage());
    }

    @Test
    void segmentsWithoutASnapshotAreRefused(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 2);
        Files.delete(dir.resolve(SNAPSHOT));
        assertEquals(refusal("the journal has segments (the first " + SEGMENT + ") but no snapshot: the snapshot was"
                + " deleted, so the state the segments start from is unknown"),
                refused(dir, RecoveryOptions.STRICT).getMessage());
    }

    // ---- what a crash leaves still recovers ----

    @Test
    void aTornWriteBeyondTheMarkerWasNeverAcknowledged(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 5);
        Path segment = dir.resolve(SEGMENT);
        long five = Files.size(segment);
        byte[] sixth = JournalCodecTest.bytes(new JournalCodec.Entry(6, 7, List.of(update(6))));
        byte[] torn = sixth.clone();
        torn[torn.length - 3] ^= 0x40; // whole, failing its checksum: its blocks half written
        Files.write(segment, torn, StandardOpenOption.APPEND);
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        assertEquals(5, r.lastSeq());
        assertEquals(List.of(SEGMENT + " at offset " + five + " (checksum mismatch, " + torn.length + " bytes dropped,"
                + " a copy kept in dropped-6.bin): record 6 comes after record 5, the last the commit marker says was"
                + " acknowledged, so it was never acknowledged (a write the crash tore)"), r.tornTails());
        assertEquals(five, Files.size(segment));
        assertArrayEquals(torn, Files.readAllBytes(dir.resolve("dropped-6.bin")));
        assertEquals(List.of(Level.WARNING), levels(), "never acknowledged: a warning, not an error");

        Files.write(segment, Arrays.copyOf(sixth, 20), StandardOpenOption.APPEND);
        assertTrue(UpdateJournal.recover(dir, base).tornTails().get(0).endsWith("record 6 comes after record 5, the"
                + " last the commit marker says was acknowledged, so it was never acknowledged (a write the crash cut"
                + " short)"));
        assertScenario(expected(5), UpdateJournal.recover(dir, base));
    }

    @Test
    void aMarkerOneBatchBehindTheSegmentIsACrashBetweenTheTwoForces(@TempDir Path dir) throws IOException {
        UpdateJournal journal = journal(dir);
        append(journal, 1, 1);
        Path old = Files.copy(dir.resolve(CommitMarker.FILE), dir.resolve("COMMIT.old"));
        append(journal, 2, 3);
        journal.closeWithoutSnapshot();
        Files.move(old, dir.resolve(CommitMarker.FILE), StandardCopyOption.REPLACE_EXISTING);
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        assertEquals(3, r.lastSeq(), "records forced but not yet acknowledged are kept");
        assertEquals(4, r.maxVersion());
        assertEquals(List.of(), r.acceptedLosses());
        assertScenario(expected(3), r);
    }

    @Test
    void aDirectoryFromBeforeMarkersStartsOnceUncheckedThenKeepsOne(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 3);
        Files.delete(dir.resolve(CommitMarker.FILE));
        // as the previous version wrote it: a snapshot without "commit_marker"
        JournalFiles.writeAtomically(dir, SNAPSHOT, JournalCodec.encodeSnapshot(new JournalCodec.Snapshot(0, 1, base)));
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        assertEquals(3, r.lastSeq());
        assertEquals(List.of("no commit marker: a data directory written before commit markers; whether acknowledged"
                + " records are missing cannot be checked this once, and a marker is written from now on"),
                r.notices());

        UpdateJournal journal = UpdateJournal.open(dir, r, 5, 1000);
        append(journal, 4, 4);
        journal.closeWithoutSnapshot();
        assertEquals(List.of(), UpdateJournal.recover(dir, base).notices(), "the marker is kept now");
        Files.delete(dir.resolve(CommitMarker.FILE));
        assertTrue(refused(dir, RecoveryOptions.STRICT).getMessage().startsWith("the commit marker (COMMIT) is missing,"
                + " but " + JournalFiles.snapshotName(3) + " was written while this directory kept one"));
    }

    @Test
    void aMarkerLeftBehindByAnOlderTokenflowIsStillALowerBound(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 2);
        // then a tokenflow without markers ran: its snapshot at 4 says nothing of COMMIT, which still says 2
        JournalFiles.writeAtomically(dir, JournalFiles.snapshotName(4),
                JournalCodec.encodeSnapshot(new JournalCodec.Snapshot(4, 9, expected(4))));
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        assertEquals(4, r.lastSeq());
        assertEquals(1, r.notices().size());
        assertTrue(r.notices().get(0).contains("written by a tokenflow without commit markers since"),
                r.notices().get(0));
    }

    // ---- accepted ----

    @Test
    void anAcceptedLossResumesAboveEveryNumberThatWasHandedOut(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 7);
        Path segment = dir.resolve(SEGMENT);
        truncate(segment, offsetOf(segment, 4));
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base, new RecoveryOptions(8, true));
        assertEquals(List.of("the journal ends at record 3 (the end of " + SEGMENT + ") but the commit marker (COMMIT)"
                + " says records up to 7 were acknowledged: records 4 to 7 are missing (a journal segment truncated,"
                + " emptied, deleted or restored from an older copy)"), r.acceptedLosses());
        assertTrue(levels().contains(Level.SEVERE), "an accepted loss is logged as an error");
        assertScenario(expected(3), r);
        assertEquals(7, r.lastSeq(), "records 4 to 7 are not numbered again");
        assertEquals(8, r.maxVersion(), "versions up to 8 were promised");

        UpdateJournal journal = UpdateJournal.open(dir, r, 9, 1000);
        journal.append(8, 9, List.of(update(8))).join();
        journal.closeWithoutSnapshot();
        UpdateJournal.Recovered after = UpdateJournal.recover(dir, base, new RecoveryOptions(9, false));
        assertEquals(List.of(), after.acceptedLosses(), "accepted once, the directory is whole again");
        assertEquals(8, after.lastSeq());
        assertEquals(9, after.maxVersion());
    }

    @Test
    void anAcceptedDamagedRecordIsDroppedWithACopyAndVersionsStayAboveTheRecord(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 5);
        Path segment = dir.resolve(SEGMENT);
        CommitMarkerTest.flip(segment, Files.size(segment) - 3);
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base, new RecoveryOptions(11, true));
        assertEquals(2, r.acceptedLosses().size(), r.acceptedLosses().toString());
        assertTrue(r.acceptedLosses().get(0).contains("record 5, but the commit marker (COMMIT) says records up to 5"
                + " were acknowledged"), r.acceptedLosses().get(0));
        assertTrue(r.acceptedLosses().get(1).startsWith("the market record holds versions up to 11"),
                r.acceptedLosses().get(1));
        assertTrue(r.tornTails().get(0).endsWith("record 5 was acknowledged (the commit marker says records up to 5"
                + " were); dropped because --accept-journal-loss was given"), r.tornTails().get(0));
        assertTrue(Files.exists(dir.resolve("dropped-5.bin")));
        assertEquals(5, r.lastSeq());
        assertEquals(11, r.maxVersion(), "above the record's newest version");
        assertScenario(expected(4), r);
    }

    private static void assertScenario(Scenario want, UpdateJournal.Recovered r) {
        assertEquals(ScenarioJson.write(want), ScenarioJson.write(r.scenario()));
    }
}
