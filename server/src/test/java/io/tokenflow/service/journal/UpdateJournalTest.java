package io.tokenflow.service.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateJournalTest {
    private final Scenario base = EmbeddedScenarios.get("five-node");
    private final String node = base.nodes().get(0).id();
    private final String classId = base.classes().get(0).id();

    private MarketUpdate update(int i) {
        return new MarketUpdate.CapacityUpdate(node, classId, 1000 + i + 0.125);
    }

    /** A new directory, {@code n} records (seq 1..n, version = seq + 1), closed as if killed after the last force. */
    private UpdateJournal.Recovered writeAndCrash(Path dir, int n, int snapshotEvery) throws IOException {
        UpdateJournal.Recovered fresh = UpdateJournal.recover(dir, base);
        UpdateJournal journal = UpdateJournal.open(dir, fresh, 1, snapshotEvery);
        for (int i = 1; i <= n; i++) {
            journal.append(i, i + 1, List.of(update(i))).join(); // one at a time: snapshots fall every N records
        }
        journal.closeWithoutSnapshot();
        return fresh;
    }

    private Scenario expected(int n) {
        Scenario s = base;
        for (int i = 1; i <= n; i++) {
            s = s.withUpdates(List.of(update(i)));
        }
        return s;
    }

    private static List<Path> files(Path dir, String prefix) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    @Test
    void aNewDirectoryStartsFromTheBaseScenario(@TempDir Path dir) throws IOException {
        UpdateJournal.Recovered r = UpdateJournal.recover(dir.resolve("d"), base);
        assertTrue(r.fresh());
        assertEquals(0, r.lastSeq());
        assertEquals(0, r.maxVersion());
        assertEquals(ScenarioJson.write(base), ScenarioJson.write(r.scenario()));
    }

    @Test
    void recordsRoundTripAndVersionsCarryOver(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 7, 1000);
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        assertEquals(7, r.lastSeq());
        assertEquals(7, r.replayed());
        assertEquals(8, r.maxVersion());
        assertEquals(List.of(), r.tornTails());
        assertEquals(ScenarioJson.write(expected(7)), ScenarioJson.write(r.scenario()));

        // the next process starts above it, and a restart with nothing appended still moves the version on
        UpdateJournal.open(dir, r, r.maxVersion() + 1, 1000).closeWithoutSnapshot();
        UpdateJournal.Recovered again = UpdateJournal.recover(dir, base);
        assertEquals(9, again.maxVersion());
        assertEquals(7, again.lastSeq());
        assertEquals(ScenarioJson.write(expected(7)), ScenarioJson.write(again.scenario()));
    }

    @Test
    void concurrentAppendsShareForces(@TempDir Path dir) throws Exception {
        UpdateJournal journal = UpdateJournal.open(dir, UpdateJournal.recover(dir, base), 1, 1_000_000);
        int threads = 8;
        int each = 250;
        long[] seq = {0};
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    CompletableFuture<Void> done;
                    synchronized (seq) { // the caller orders appends (LeaderOracle: the update queue's lock)
                        seq[0]++;
                        done = journal.append(seq[0], seq[0], List.of(update((int) seq[0])));
                    }
                    done.join(); // like a client waiting for its acknowledgement
                }
            });
            w.start();
            writers.add(w);
        }
        for (Thread w : writers) {
            w.join();
        }
        long records = journal.records();
        long forces = journal.forces();
        journal.closeWithoutSnapshot();
        System.out.printf("UpdateJournalTest: %d records from %d threads in %d forces (%.1f records per fsync)%n",
                records, threads, forces, (double) records / forces);
        assertEquals(threads * each, records);
        assertTrue(forces < records, forces + " forces for " + records + " records: no group commit");
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        assertEquals(threads * each, r.lastSeq());
    }

    @Test
    void aTornTailIsDroppedAndTruncated(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 5, 1000);
        Path segment = files(dir, "journal-").get(0);
        long full = Files.size(segment);
        // a sixth record the crash cut mid-payload: its batch never reached the commit marker
        byte[] sixth = JournalCodecTest.bytes(new JournalCodec.Entry(6, 7, List.of(update(6))));
        Files.write(segment, Arrays.copyOf(sixth, sixth.length - 7), StandardOpenOption.APPEND);
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        assertEquals(5, r.lastSeq());
        assertEquals(1, r.tornTails().size());
        assertTrue(r.tornTails().get(0).contains("record cut short") && r.tornTails().get(0).endsWith("so it was never"
                + " acknowledged (a write the crash cut short)"), r.tornTails().toString());
        assertEquals(ScenarioJson.write(expected(5)), ScenarioJson.write(r.scenario()));
        assertEquals(full, Files.size(segment), "the torn record was not truncated away");
        // and it stays recovered
        assertEquals(List.of(), UpdateJournal.recover(dir, base).tornTails());
    }

    @Test
    void aFlippedByteInTheLastAcknowledgedRecordRefusesToStart(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 5, 1000);
        Path segment = files(dir, "journal-").get(0);
        flip(segment, Files.size(segment) - 3);
        byte[] before = Files.readAllBytes(segment);
        JournalLossException e = assertThrows(JournalLossException.class, () -> UpdateJournal.recover(dir, base));
        assertTrue(e.getMessage().contains("(checksum mismatch): record 5, but the commit marker (COMMIT) says records"
                + " up to 5 were acknowledged"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(segment), "a refused start truncates nothing");
    }

    @Test
    void aCorruptRecordFollowedByValidOnesRefusesToStart(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 5, 1000);
        Path segment = files(dir, "journal-").get(0);
        flip(segment, 20); // inside the first record's payload
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> UpdateJournal.recover(dir, base));
        assertTrue(e.getMessage().contains("offset 0") && e.getMessage().contains("followed by valid records"),
                e.getMessage());
    }

    @Test
    void snapshotsCompactTheJournal(@TempDir Path dir) throws IOException {
        writeAndCrash(dir, 25, 10);
        // snapshots after records 10 and 20; only the newest snapshot and its segment remain
        assertEquals(List.of(dir.resolve(JournalFiles.snapshotName(20))), files(dir, "snapshot-"));
        assertEquals(List.of(dir.resolve(JournalFiles.segmentName(21))), files(dir, "journal-"));
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        assertEquals(20, r.snapshotSeq());
        assertEquals(5, r.replayed());
        assertEquals(25, r.lastSeq());
        assertEquals(26, r.maxVersion());
        assertEquals(ScenarioJson.write(expected(25)), ScenarioJson.write(r.scenario()));

        // a clean close snapshots everything: nothing left to replay
        UpdateJournal journal = UpdateJournal.open(dir, r, 27, 10);
        journal.append(26, 28, List.of(update(26))).join();
        journal.close();
        UpdateJournal.Recovered after = UpdateJournal.recover(dir, base);
        assertEquals(26, after.snapshotSeq());
        assertEquals(0, after.replayed());
        assertEquals(28, after.maxVersion());
        assertEquals(ScenarioJson.write(expected(26)), ScenarioJson.write(after.scenario()));
    }

    @Test
    void aGapInSequenceNumbersRefusesToStart(@TempDir Path dir) throws IOException {
        UpdateJournal journal = UpdateJournal.open(dir, UpdateJournal.recover(dir, base), 1, 1000);
        journal.append(1, 2, List.of(update(1))).join();
        journal.append(3, 2, List.of(update(3))).join();
        journal.closeWithoutSnapshot();
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> UpdateJournal.recover(dir, base));
        assertTrue(e.getMessage().contains("expected 2"), e.getMessage());
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x40);
        }
    }
}
