package io.tokenflow.service.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The market record's files: round trip, segments, the tail rules, retention and reading while it changes. */
class RecordLogTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456789Z");

    private static byte[] body(long version) {
        return ("version " + version + " " + "x".repeat((int) (version % 7))).getBytes(StandardCharsets.UTF_8);
    }

    private static Instant at(long version) {
        return T0.plusSeconds(version * 60).plusNanos(version);
    }

    /** Appends versions from..to, a full record wherever the log asks for one. */
    private static void append(RecordLog log, long from, long to) throws IOException {
        for (long v = from; v <= to; v++) {
            log.append(v, at(v), log.needsFull(), body(v));
        }
    }

    private static List<RecordLog.Entry> all(RecordLog log, long from) {
        List<RecordLog.Entry> out = new ArrayList<>();
        try (RecordLog.Cursor c = log.read(from)) {
            c.forEachRemaining(out::add);
        }
        return out;
    }

    private static List<Long> versions(List<RecordLog.Entry> entries) {
        return entries.stream().map(RecordLog.Entry::version).toList();
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> RecordLog.segmentVersion(p) >= 0).sorted().toList();
        }
    }

    @Test
    void recordsReadBackExactlyAcrossSegmentsAndRestarts(@TempDir Path dir) throws IOException {
        try (RecordLog log = RecordLog.open(dir, 4)) {
            assertEquals(0, log.newestVersion());
            assertTrue(log.needsFull(), "the first record of a process is full");
            assertThrows(IllegalStateException.class, () -> log.append(1, at(1), false, body(1)));
            append(log, 1, 10);
            assertEquals("version 3 is not after the newest recorded, 10", assertThrows(
                    IllegalArgumentException.class, () -> log.append(3, at(3), true, body(3))).getMessage());
        }
        try (RecordLog log = RecordLog.open(dir, 4)) {
            assertEquals(List.of(), log.badTails());
            assertEquals(1, log.oldestVersion());
            assertEquals(at(1), log.oldestClearedAt());
            assertEquals(10, log.newestVersion());
            assertEquals(at(10), log.newestClearedAt());
            assertTrue(log.needsFull(), "a restarted process starts a new segment");
            append(log, 12, 13); // a version skipped across the restart, as after a crash
            List<RecordLog.Entry> entries = all(log, 0);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 12L, 13L), versions(entries));
            for (RecordLog.Entry e : entries) {
                assertArrayEquals(body(e.version()), e.body(), "version " + e.version());
                assertEquals(at(e.version()), e.clearedAt(), "clear time to the nanosecond");
                assertEquals(e.version() < 12 ? e.version() % 4 == 1 : e.version() == 12, e.full(),
                        "version " + e.version());
            }
            assertEquals(List.of(RecordLog.segmentName(1), RecordLog.segmentName(5), RecordLog.segmentName(9),
                    RecordLog.segmentName(12)), segments(dir).stream().map(p -> p.getFileName().toString()).toList());
            assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L, 12L, 13L), versions(all(log, 7)),
                    "a read starts at the full record of the segment holding the version");
            assertEquals(List.of(9L, 10L, 12L, 13L), versions(collect(log.readFromTime(at(11)))),
                    "from a time: the segment holding the last version cleared by then");
            long size = 0;
            for (Path p : segments(dir)) {
                size += Files.size(p);
            }
            assertEquals(size, log.bytes());
        }
    }

    private static List<RecordLog.Entry> collect(RecordLog.Cursor c) {
        List<RecordLog.Entry> out = new ArrayList<>();
        try (c) {
            c.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void aTailCutShortIsDroppedWithACopyAndWasNeverServed(@TempDir Path dir) throws IOException {
        try (RecordLog log = RecordLog.open(dir, 100)) {
            append(log, 1, 3);
        }
        Path seg = segments(dir).get(0);
        byte[] whole = Files.readAllBytes(seg);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(whole.length - 5);
        }
        try (RecordLog log = RecordLog.open(dir, 100)) {
            assertEquals(2, log.newestVersion());
            assertEquals(1, log.badTails().size());
            String said = log.badTails().get(0);
            assertTrue(said.contains("(record cut short, ") && said.contains("a copy kept in dropped-after-2.bin")
                    && said.contains("never acknowledged"), said);
            byte[] copy = Files.readAllBytes(dir.resolve("dropped-after-2.bin"));
            int start = whole.length - 5 - copy.length;
            assertArrayEquals(Arrays.copyOfRange(whole, start, whole.length - 5), copy, "the copy is the dropped bytes");
            assertEquals(List.of(1L, 2L), versions(all(log, 0)));
            append(log, 3, 4);
        }
        try (RecordLog log = RecordLog.open(dir, 100)) {
            assertEquals(List.of(), log.badTails(), "recovered once, it stays recovered");
            assertEquals(List.of(1L, 2L, 3L, 4L), versions(all(log, 0)));
        }
    }

    @Test
    void aWholeTailRecordFailingItsChecksumIsDroppedSayingItMayHaveBeenServed(@TempDir Path dir) throws IOException {
        try (RecordLog log = RecordLog.open(dir, 100)) {
            append(log, 1, 3);
        }
        Path seg = segments(dir).get(0);
        byte[] whole = Files.readAllBytes(seg);
        whole[whole.length - 2] ^= 0x01; // one bit of version 3's body, after its fsync
        Files.write(seg, whole);
        try (RecordLog log = RecordLog.open(dir, 100)) {
            assertEquals(2, log.newestVersion());
            String said = log.badTails().get(0);
            assertTrue(said.contains("(checksum mismatch, ") && said.contains("it was a version already served and"
                    + " that is now lost") && said.contains("cannot tell"), said);
            byte[] copy = Files.readAllBytes(dir.resolve("dropped-after-2.bin"));
            assertArrayEquals(Arrays.copyOfRange(whole, whole.length - copy.length, whole.length), copy);
        }
    }

    @Test
    void aBadRecordFollowedByValidOnesRefusesToStart(@TempDir Path dir) throws IOException {
        try (RecordLog log = RecordLog.open(dir, 100)) {
            append(log, 1, 3);
        }
        Path seg = segments(dir).get(0);
        byte[] whole = Files.readAllBytes(seg);
        whole[30] ^= 0x01; // inside version 1
        Files.write(seg, whole);
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> RecordLog.open(dir, 100));
        assertTrue(e.getMessage().contains("bad record at offset 0 (checksum mismatch) followed by valid records"),
                e.getMessage());
    }

    @Test
    void aLastSegmentLeftEmptyIsDeletedAndTheOneBeforeItReadWhole(@TempDir Path dir) throws IOException {
        try (RecordLog log = RecordLog.open(dir, 100)) {
            append(log, 1, 3);
        }
        try (RecordLog log = RecordLog.open(dir, 100)) {
            append(log, 5, 5);
        }
        Path second = segments(dir).get(1);
        try (RandomAccessFile f = new RandomAccessFile(second.toFile(), "rw")) {
            f.setLength(7); // the new process's first record, torn
        }
        Files.createFile(dir.resolve(RecordLog.segmentName(9))); // and a later one created, never written
        try (RecordLog log = RecordLog.open(dir, 100)) {
            assertEquals(3, log.newestVersion());
            assertEquals(1, log.segments());
            assertFalse(Files.exists(second));
            assertEquals(1, log.badTails().size(), log.badTails().toString());
            assertEquals(List.of(1L, 2L, 3L), versions(all(log, 0)));
        }
    }

    @Test
    void aSegmentThatDoesNotStartWithAFullRecordOfItsVersionRefusesToStart(@TempDir Path dir) throws IOException {
        try (RecordLog log = RecordLog.open(dir, 100)) {
            append(log, 1, 3);
        }
        Files.move(segments(dir).get(0), dir.resolve(RecordLog.segmentName(2)));
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> RecordLog.open(dir, 100));
        assertTrue(e.getMessage().contains("not the version in its name"), e.getMessage());
    }

    @Test
    void retentionByVersionsDeletesWholeSegmentsOldestFirst(@TempDir Path dir) throws IOException {
        try (RecordLog log = RecordLog.open(dir, 4)) {
            append(log, 1, 20); // segments 1-4, 5-8, 9-12, 13-16, 17-20
            assertEquals(0, log.retain(100, null, at(20)));
            // keep the versions above 20 - 6 = 14: segment 13-16 holds 15 and 16, so 13 is the oldest kept
            assertEquals(3, log.retain(6, null, at(20)));
            assertEquals(13, log.oldestVersion());
            assertEquals(at(13), log.oldestClearedAt());
            assertEquals(List.of(RecordLog.segmentName(13), RecordLog.segmentName(17)),
                    segments(dir).stream().map(p -> p.getFileName().toString()).toList());
            assertEquals(1, log.retain(1, null, at(20)));
            assertEquals(0, log.retain(1, null, at(20)), "the open segment is never deleted");
            assertEquals(List.of(17L, 18L, 19L, 20L), versions(all(log, 0)));
        }
        try (RecordLog log = RecordLog.open(dir, 4)) {
            assertEquals(17, log.oldestVersion());
        }
    }

    @Test
    void retentionByAgeDeletesSegmentsClearedBeforeIt(@TempDir Path dir) throws IOException {
        try (RecordLog log = RecordLog.open(dir, 4)) {
            append(log, 1, 12); // a minute apart: segments 1-4, 5-8, 9-12
            // 5 minutes back from version 12: cleared before version 7; segment 1-4 goes (5 starts before it)
            assertEquals(1, log.retain(1000, Duration.ofMinutes(5), at(12)));
            assertEquals(5, log.oldestVersion());
            assertEquals(1, log.retain(1000, Duration.ofMinutes(1), at(12)));
            assertEquals(9, log.oldestVersion());
        }
    }

    @Test
    void aReadKeepsItsSegmentWhenRetentionDeletesItAndSaysGoneForOnesAlreadyDeleted(@TempDir Path dir)
            throws IOException {
        try (RecordLog log = RecordLog.open(dir, 4)) {
            append(log, 1, 12);
            RecordLog.Cursor reading = log.read(0);
            RecordLog.Cursor notYet = log.read(0);
            assertEquals(1, reading.next().version()); // segment 1-4 is open in this reader
            assertEquals(2, log.retain(1, null, at(12)));
            List<Long> rest = new ArrayList<>();
            RecordLog.Gone gone = assertThrows(RecordLog.Gone.class, () -> reading.forEachRemaining(e -> rest.add(
                    e.version())));
            assertEquals(List.of(2L, 3L, 4L), rest, "the open segment reads to its end");
            assertTrue(gone.getMessage().contains("versions from 5 were dropped by retention"), gone.getMessage());
            assertThrows(RecordLog.Gone.class, notYet::hasNext);
            reading.close();
            notYet.close();
            assertEquals(List.of(9L, 10L, 11L, 12L), versions(all(log, 0)));
        }
    }

    @Test
    void aReaderSeesOnlyWhatWasForcedWhenItBegan(@TempDir Path dir) throws IOException {
        try (RecordLog log = RecordLog.open(dir, 100)) {
            append(log, 1, 2);
            RecordLog.Cursor before = log.read(0);
            append(log, 3, 3);
            assertEquals(List.of(1L, 2L), versions(collect(before)));
            assertEquals(List.of(1L, 2L, 3L), versions(all(log, 0)));
        }
    }

    @Test
    void aFailedWriteStopsTheLogForGood(@TempDir Path root) throws IOException {
        Path dir = root.resolve("record");
        RecordLog log = RecordLog.open(dir, 100);
        append(log, 1, 1);
        // the directory vanishes under it, so the next segment cannot be created
        Files.delete(segments(dir).get(0));
        Files.delete(dir);
        IOException first = assertThrows(IOException.class, () -> log.append(2, at(2), true, body(2)));
        IOException later = assertThrows(IOException.class, () -> log.append(3, at(3), true, body(3)));
        assertTrue(later.getMessage().contains("failed earlier and takes no more versions"), later.getMessage());
        assertEquals(1, log.newestVersion(), first.toString());
        log.close();
    }
}
