package io.tokenflow.service.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit marker's two slots: what a reader takes when one or both are damaged. */
class CommitMarkerTest {
    private static CommitMarker.State read(Path dir) throws IOException {
        return assertInstanceOf(CommitMarker.Found.class, CommitMarker.read(dir)).state();
    }

    @Test
    void commitsAlternateSlotsAndTheNewestWins(@TempDir Path dir) throws IOException {
        assertInstanceOf(CommitMarker.Absent.class, CommitMarker.read(dir));
        try (CommitMarker marker = CommitMarker.open(dir)) {
            marker.write(1, 2);
            assertEquals(new CommitMarker.State(1, 1, 2), read(dir));
            marker.write(3, 4);
        }
        assertEquals(new CommitMarker.State(2, 3, 4), read(dir));
        assertEquals(2L * CommitMarker.SLOT_BYTES, Files.size(dir.resolve(CommitMarker.FILE)));

        try (CommitMarker marker = CommitMarker.open(dir)) {
            marker.write(5, 6); // commit 3, over commit 1's slot
        }
        assertEquals(new CommitMarker.State(3, 5, 6), read(dir));
    }

    @Test
    void aTornSlotFallsBackToTheCommitBeforeIt(@TempDir Path dir) throws IOException {
        try (CommitMarker marker = CommitMarker.open(dir)) {
            marker.write(1, 2); // commit 1: slot 1
            marker.write(3, 4); // commit 2: slot 0
        }
        flip(dir.resolve(CommitMarker.FILE), 20); // inside commit 2, in slot 0
        assertEquals(new CommitMarker.State(1, 1, 2), read(dir), "the older slot, whole");

        try (CommitMarker marker = CommitMarker.open(dir)) {
            marker.write(7, 8); // continues after the highest valid commit, into the damaged slot
        }
        assertEquals(new CommitMarker.State(2, 7, 8), read(dir));
    }

    @Test
    void aMarkerWithNoValidSlotIsUnreadableAndSaysWhy(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(CommitMarker.FILE);
        Files.write(file, new byte[0]);
        assertEquals(new CommitMarker.Unreadable("0 bytes, neither of its two slots holds a whole state with a valid"
                + " checksum"), CommitMarker.read(dir));

        try (CommitMarker marker = CommitMarker.open(dir)) {
            marker.write(1, 2);
            marker.write(3, 4);
        }
        flip(file, 6);
        flip(file, CommitMarker.SLOT_BYTES + 6);
        CommitMarker.Unreadable u = assertInstanceOf(CommitMarker.Unreadable.class, CommitMarker.read(dir));
        assertTrue(u.why().startsWith(2 * CommitMarker.SLOT_BYTES + " bytes, neither"), u.why());
    }

    @Test
    void statesOutsideTheirRangeAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CommitMarker.State(0, 1, 1));
        assertEquals("commit marker commit number must be >= 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CommitMarker.State(1, -3, 1));
        assertEquals("commit marker sequence must be >= 0, got -3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CommitMarker.State(1, 1, -1));
        assertEquals("commit marker version must be >= 0, got -1", e.getMessage());
    }

    static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x40);
        }
    }
}
