package io.tokenflow.service.journal;

import io.tokenflow.service.LogRecorder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitWriterTest {
    private final Scenario base = EmbeddedScenarios.get("five-node");
    private final List<MarketUpdate> update = List.of(new MarketUpdate.CapacityUpdate(base.nodes().get(0).id(),
            base.classes().get(0).id(), 4321.5));

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void startSnapshotsTheGivenStateAndCompactsOnlyJournalFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("LOCK"), "");
        Files.write(dir.resolve(JournalFiles.segmentName(1)), new byte[0]);
        Files.writeString(dir.resolve(JournalFiles.snapshotName(0)), "old");
        GroupCommitWriter writer = new GroupCommitWriter(dir, 3, base, 2, 9);
        writer.start();
        assertEquals(List.of(CommitMarker.FILE, "LOCK", JournalFiles.segmentName(3), JournalFiles.snapshotName(2)),
                names(dir));
        JournalCodec.Snapshot s = JournalCodec.decodeSnapshot(
                Files.readAllBytes(dir.resolve(JournalFiles.snapshotName(2))));
        assertEquals(2, s.seq());
        assertEquals(9, s.version()); // what open passes as the first version: the next process starts above it

        for (long seq = 3; seq <= 5; seq++) {
            writer.append(seq, seq + 10, update).join();
        }
        writer.close(false);
        // the third record reached the interval: a snapshot at 5, and a new segment after it
        assertEquals(List.of(CommitMarker.FILE, "LOCK", JournalFiles.segmentName(6), JournalFiles.snapshotName(5)),
                names(dir));
        JournalCodec.Snapshot at5 = JournalCodec.decodeSnapshot(
                Files.readAllBytes(dir.resolve(JournalFiles.snapshotName(5))));
        assertEquals(15, at5.version());
        assertEquals(ScenarioJson.write(base.withUpdates(update)), ScenarioJson.write(at5.scenario()));
        assertEquals(3, writer.records());
    }

    @Test
    void appendsAfterCloseFailAndCloseIsIdempotent(@TempDir Path dir) throws IOException {
        GroupCommitWriter writer = new GroupCommitWriter(dir, 10, base, 0, 1);
        writer.start();
        writer.append(1, 2, update).join();
        writer.close(true);
        writer.close(true);
        CompletableFuture<Void> late = writer.append(2, 3, update);
        CompletionException e = assertThrows(CompletionException.class, late::join);
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals("the update journal is closed", e.getCause().getMessage());
        assertEquals(1, writer.records());
        assertTrue(writer.forces() >= 1);
        // the clean close snapshotted record 1
        assertTrue(Files.exists(dir.resolve(JournalFiles.snapshotName(1))), names(dir).toString());
    }

    /**
     * Blocks {@code dir/name} with a non-empty directory, so the real atomic write gets as far as its
     * temporary file and fails at the rename (root ignores file permissions, so an unwritable directory
     * would not fail here).
     */
    private static void blocked(Path dir, String name, byte[] bytes) throws IOException {
        Path blocker = Files.createDirectory(dir.resolve(name));
        Path inside = Files.writeString(blocker.resolve("in-the-way"), "");
        try {
            JournalFiles.writeAtomically(dir, name, bytes);
        } finally {
            Files.delete(inside);
            Files.delete(blocker);
        }
    }

    @Test
    void aFailedAtomicWriteLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        String name = JournalFiles.snapshotName(4);
        assertThrows(IOException.class, () -> blocked(dir, name, new byte[] {1, 2, 3}));
        assertEquals(List.of(), names(dir));
    }

    @Test
    void aFailedSnapshotIsRetriedAfterAnotherIntervalAndLoggedOncePerStreak(@TempDir Path dir) throws IOException {
        List<String> attempts = new CopyOnWriteArrayList<>();
        int[] failuresLeft = {2};
        GroupCommitWriter.SnapshotWriter snapshots = (d, name, bytes) -> {
            attempts.add(name);
            if (attempts.size() > 1 && failuresLeft[0]-- > 0) { // the start's snapshot succeeds
                blocked(d, name, bytes);
            } else {
                JournalFiles.writeAtomically(d, name, bytes);
            }
        };
        LogRecorder capture = new LogRecorder();
        Logger log = Logger.getLogger(UpdateJournal.class.getName());
        log.addHandler(capture);
        GroupCommitWriter writer = new GroupCommitWriter(dir, 2, base, 0, 1, snapshots);
        try {
            writer.start();
            for (long seq = 1; seq <= 8; seq++) {
                writer.append(seq, seq + 1, update).join(); // one record per batch: attempts fall on exact records
            }
            writer.close(false);
        } finally {
            log.removeHandler(capture);
        }
        // record 2 fails, record 4 (not 3) fails again, record 6 succeeds; record 8 is on the interval again
        List<String> want = new ArrayList<>();
        for (long seq : new long[] {0, 2, 4, 6, 8}) {
            want.add(JournalFiles.snapshotName(seq));
        }
        assertEquals(want, attempts);
        assertEquals(2, writer.snapshotFailures());
        List<LogRecord> logged = capture.records();
        List<String> warnings = logged.stream().filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage)
                .toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("at record 2 failed (the journal keeps the records; trying again every 2"
                + " records"), warnings.get(0));
        assertTrue(logged.stream().anyMatch(r -> r.getLevel() == Level.INFO
                && r.getMessage().endsWith("at record 6 succeeded after 2 failed attempts")), logged.toString());
        List<String> left = names(dir);
        assertFalse(left.stream().anyMatch(n -> n.endsWith(".tmp")), left.toString());
        assertEquals(List.of(CommitMarker.FILE, JournalFiles.segmentName(9), JournalFiles.snapshotName(8)), left);
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        assertEquals(8, r.lastSeq());
        assertEquals(9, r.maxVersion());
    }
}
