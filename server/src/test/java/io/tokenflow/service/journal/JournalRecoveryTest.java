package io.tokenflow.service.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery rules, on directories built byte by byte rather than by a running journal, without a
 * commit marker (as written before markers; {@link JournalLossTest} has the rules with one).
 */
class JournalRecoveryTest {
    private final Scenario base = EmbeddedScenarios.get("five-node");
    private final String node = base.nodes().get(0).id();
    private final String classId = base.classes().get(0).id();

    private MarketUpdate update(long seq) {
        return new MarketUpdate.CapacityUpdate(node, classId, 1000 + seq + 0.125);
    }

    private byte[] records(long from, long to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long s = from; s <= to; s++) {
            out.writeBytes(JournalCodecTest.bytes(new JournalCodec.Entry(s, s + 1, List.of(update(s)))));
        }
        return out.toByteArray();
    }

    private Scenario expected(long n) {
        Scenario s = base;
        for (long i = 1; i <= n; i++) {
            s = s.withUpdates(List.of(update(i)));
        }
        return s;
    }

    private static Path segment(Path dir, long first, byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return Files.write(dir.resolve(JournalFiles.segmentName(first)), out.toByteArray());
    }

    private static void snapshot(Path dir, long seq, long version, Scenario s) throws IOException {
        JournalFiles.writeAtomically(dir, JournalFiles.snapshotName(seq),
                JournalCodec.encodeSnapshot(new JournalCodec.Snapshot(seq, version, s)));
    }

    private static byte[] cut(byte[] b, int drop) {
        return Arrays.copyOf(b, b.length - drop);
    }

    private void assertScenario(Scenario want, UpdateJournal.Recovered r) {
        assertEquals(ScenarioJson.write(want), ScenarioJson.write(r.scenario()));
    }

    @Test
    void recordsReplayAcrossSegmentsInOrder(@TempDir Path dir) throws IOException {
        snapshot(dir, 0, 1, base);
        segment(dir, 1, records(1, 3));
        segment(dir, 4, records(4, 5));
        UpdateJournal.Recovered r = JournalRecovery.recover(dir, base);
        assertEquals(0, r.snapshotSeq());
        assertEquals(5, r.replayed());
        assertEquals(5, r.lastSeq());
        assertEquals(6, r.maxVersion());
        assertScenario(expected(5), r);
    }

    @Test
    void recordsTheSnapshotCoversAreSkipped(@TempDir Path dir) throws IOException {
        // a snapshot at 2 beside a segment that still holds 1 and 2 (compaction deletes only after it)
        snapshot(dir, 2, 3, expected(2));
        segment(dir, 1, records(1, 4));
        UpdateJournal.Recovered r = JournalRecovery.recover(dir, base);
        assertEquals(2, r.snapshotSeq());
        assertEquals(2, r.replayed());
        assertEquals(4, r.lastSeq());
        assertScenario(expected(4), r); // 1 and 2 applied once, from the snapshot
    }

    @Test
    void aSegmentTheSnapshotCoversWholeIsNotRead(@TempDir Path dir) throws IOException {
        snapshot(dir, 5, 6, expected(5));
        segment(dir, 1, "not a journal at all".getBytes(StandardCharsets.UTF_8));
        segment(dir, 6, records(6, 7));
        UpdateJournal.Recovered r = JournalRecovery.recover(dir, base);
        assertEquals(2, r.replayed());
        assertEquals(7, r.lastSeq());
        assertEquals(List.of(), r.tornTails());
        assertScenario(expected(7), r);
    }

    @Test
    void aBadRecordInAnEarlierSegmentRefusesToStartEvenAtItsEnd(@TempDir Path dir) throws IOException {
        snapshot(dir, 0, 1, base);
        byte[] two = records(1, 2);
        segment(dir, 1, two, cut(records(3, 3), 5));
        segment(dir, 3, records(3, 3));
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> JournalRecovery.recover(dir,
                base));
        assertTrue(e.getMessage().contains(JournalFiles.segmentName(1)) && e.getMessage().contains("offset "
                + two.length + " (record cut short)"), e.getMessage());
    }

    @Test
    void garbageAtTheEndIsATornTailAndTruncated(@TempDir Path dir) throws IOException {
        snapshot(dir, 0, 1, base); // as written before commit markers: the rules without one
        byte[] two = records(1, 2);
        Path seg = segment(dir, 1, two, new byte[30]); // e.g. space the file system allocated, never written
        UpdateJournal.Recovered r = JournalRecovery.recover(dir, base);
        assertEquals(2, r.lastSeq());
        assertEquals(List.of(JournalFiles.segmentName(1) + " at offset " + two.length
                + " (bad magic, 30 bytes dropped, a copy kept in dropped-3.bin): zeros the file system allocated"
                + " before the crash, never written, so never acknowledged"), r.tornTails());
        assertEquals(two.length, Files.size(seg));
        assertArrayEquals(new byte[30], Files.readAllBytes(dir.resolve("dropped-3.bin")));

        segment(dir, 1, two, new byte[] {1, 2, 3, 4, 5});
        assertEquals(List.of(JournalFiles.segmentName(1) + " at offset " + two.length
                + " (header cut short, 5 bytes dropped, a copy kept in dropped-3.2.bin): the crash cut its write"
                + " short, so it was never acknowledged (acknowledgement waits for the fsync of the whole record)"),
                JournalRecovery.recover(dir, base).tornTails());
        assertEquals(two.length, Files.size(seg));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Files.readAllBytes(dir.resolve("dropped-3.2.bin")),
                "a second drop of the same record keeps the first copy");
    }

    @Test
    void aWholeLastRecordFailingItsChecksumMayHaveBeenAcknowledgedAndIsKept(@TempDir Path dir) throws IOException {
        snapshot(dir, 0, 1, base);
        byte[] two = records(1, 2);
        byte[] third = records(3, 3);
        byte[] damaged = third.clone();
        damaged[damaged.length - 2] ^= 0x20; // one bit of the payload, after its fsync
        segment(dir, 1, two, damaged);
        UpdateJournal.Recovered r = JournalRecovery.recover(dir, base);
        assertEquals(2, r.lastSeq(), "the damaged record is dropped: nothing valid follows it");
        String said = r.tornTails().get(0);
        assertTrue(said.contains("(checksum mismatch, " + third.length + " bytes dropped, a copy kept in dropped-3.bin)")
                && said.contains("it was an acknowledged update and that is now lost") && said.contains("cannot tell"),
                said);
        assertArrayEquals(damaged, Files.readAllBytes(dir.resolve("dropped-3.bin")), "the copy is the dropped bytes");
        assertScenario(expected(2), r);
    }

    @Test
    void aLastSegmentHoldingOnlyATornRecordIsEmptied(@TempDir Path dir) throws IOException {
        snapshot(dir, 2, 3, expected(2));
        Path seg = segment(dir, 3, cut(records(3, 3), 1));
        UpdateJournal.Recovered r = JournalRecovery.recover(dir, base);
        assertEquals(2, r.lastSeq());
        assertEquals(0, r.replayed());
        assertEquals(1, r.tornTails().size());
        assertTrue(r.tornTails().get(0).startsWith(JournalFiles.segmentName(3) + " at offset 0 (record cut short"),
                r.tornTails().toString());
        assertEquals(0, Files.size(seg));
    }

    @Test
    void aLeftoverTemporarySnapshotIsDeletedAndOtherFilesAreLeftAlone(@TempDir Path dir) throws IOException {
        Path tmp = Files.writeString(dir.resolve(JournalFiles.snapshotName(9) + ".tmp"), "{\"format\": \"tokenfl");
        Path lock = Files.writeString(dir.resolve("LOCK"), "");
        UpdateJournal.Recovered r = JournalRecovery.recover(dir, base);
        assertTrue(r.fresh());
        assertFalse(Files.exists(tmp));
        assertTrue(Files.exists(lock));
    }

    @Test
    void theNewestSnapshotWinsAndMustBeReadable(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(JournalFiles.snapshotName(1)), "an older snapshot is not read");
        snapshot(dir, 3, 4, expected(3));
        UpdateJournal.Recovered r = JournalRecovery.recover(dir, base);
        assertEquals(3, r.snapshotSeq());
        assertEquals(4, r.maxVersion());
        assertScenario(expected(3), r);

        Files.writeString(dir.resolve(JournalFiles.snapshotName(4)), "{\"format\": \"tokenflow-snapshot-v1\", \"seq\"");
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> JournalRecovery.recover(dir,
                base));
        assertTrue(e.getMessage().contains(JournalFiles.snapshotName(4)) && e.getMessage().contains("cannot be read"),
                e.getMessage());
    }

    @Test
    void aRecordWithAValidChecksumThatDoesNotDecodeRefusesToStart(@TempDir Path dir) throws IOException {
        snapshot(dir, 0, 1, base);
        byte[] p = "{\"s\":1,\"v\":2,\"u\":[[\"z\"]]}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(JournalCodec.HEADER + p.length);
        JournalCodec.frame(b, p);
        segment(dir, 1, b.array());
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> JournalRecovery.recover(dir,
                base));
        assertTrue(e.getMessage().contains("offset 0 has a valid checksum but cannot be decoded"), e.getMessage());
    }

    @Test
    void aRecordThatNoLongerAppliesRefusesToStart(@TempDir Path dir) throws IOException {
        snapshot(dir, 0, 1, base);
        segment(dir, 1, records(1, 1), JournalCodecTest.bytes(new JournalCodec.Entry(2, 3,
                List.of(new MarketUpdate.CapacityUpdate("no-such-node", classId, 1)))));
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> JournalRecovery.recover(dir,
                base));
        assertTrue(e.getMessage().contains("record 2 does not apply"), e.getMessage());
    }

    @Test
    void recordsMustFollowTheSnapshot(@TempDir Path dir) throws IOException {
        snapshot(dir, 2, 3, expected(2));
        segment(dir, 3, records(4, 4));
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> JournalRecovery.recover(dir,
                base));
        assertTrue(e.getMessage().contains("has sequence 4, expected 3"), e.getMessage());
    }

    @Test
    void theHighestVersionPromisedWins(@TempDir Path dir) throws IOException {
        snapshot(dir, 0, 10, base);
        segment(dir, 1, JournalCodecTest.bytes(new JournalCodec.Entry(1, 7, List.of(update(1))),
                new JournalCodec.Entry(2, 12, List.of(update(2))), new JournalCodec.Entry(3, 11, List.of(update(3)))));
        UpdateJournal.Recovered r = JournalRecovery.recover(dir, base);
        assertEquals(3, r.lastSeq());
        assertEquals(12, r.maxVersion()); // not the last record's, nor the snapshot's
    }
}
