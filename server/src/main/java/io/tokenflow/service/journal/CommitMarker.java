package io.tokenflow.service.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The commit marker {@code DIR/COMMIT}: the journal's own witness of what it acknowledged, so that
 * recovery can tell a journal that lost records (truncated, deleted, restored from an older copy) from
 * one that simply ends. Rewritten by the group-commit writer after every force and before any of that
 * batch is acknowledged; one writer (the journal thread) per file, readers only before it opens. A write
 * costs one 32-byte positional write and one {@code force(false)}.
 *
 * <p><b>Format.</b> Two slots of {@value #SLOT_BYTES} bytes, each {@code [magic "TFC1"][commit: 8][last
 * acknowledged seq: 8][highest promised version: 8][CRC32C of the 28 bytes before it]}, big-endian, the
 * rest of the slot zeros. Commit {@code n} goes to slot {@code n % 2}, overwriting commit {@code n - 2},
 * and the reader takes the valid slot with the higher commit number.
 *
 * <p><b>Why two slots in place, not an atomic rename.</b> A rename costs a new file, its fsync and an
 * fsync of the directory on every group commit; writing in place costs one {@code fdatasync} of a file
 * whose size never changes. A crash that tears the write of one slot leaves the other, one commit
 * older, whole: that batch was not acknowledged yet, so the older state is still exact. The slots sit
 * in separate 4 KiB blocks so that tearing one block cannot touch the other.
 */
final class CommitMarker implements AutoCloseable {
    static final String FILE = "COMMIT";
    static final int MAGIC = 0x5446_4331; // "TFC1"
    static final int SLOT_BYTES = 4096;
    static final int STATE_BYTES = 4 + 8 + 8 + 8 + 4;

    /**
     * One commit: every journal record up to {@code lastSeq} was forced and may have been acknowledged,
     * and no version above {@code maxVersion} was promised by then.
     */
    record State(long commit, long lastSeq, long maxVersion) {
        State {
            if (commit < 1) {
                throw new IllegalArgumentException("commit marker commit number must be >= 1, got " + commit);
            }
            if (lastSeq < 0) {
                throw new IllegalArgumentException("commit marker sequence must be >= 0, got " + lastSeq);
            }
            if (maxVersion < 0) {
                throw new IllegalArgumentException("commit marker version must be >= 0, got " + maxVersion);
            }
        }
    }

    /** What reading the marker found: nothing, a file with no valid slot (and why), or a state. */
    sealed interface Read permits Absent, Unreadable, Found {}

    record Absent() implements Read {}

    record Unreadable(String why) implements Read {}

    record Found(State state) implements Read {}

    private final Path dir;
    private final FileChannel channel;
    private long commit;
    /** Whether the file's size and name are known to be on disk, so a slot write needs only its data forced. */
    private boolean durableEntry;

    private CommitMarker(Path dir, FileChannel channel, long commit, boolean durableEntry) {
        this.dir = dir;
        this.channel = channel;
        this.commit = commit;
        this.durableEntry = durableEntry;
    }

    /** Reads {@code dir/COMMIT}. */
    static Read read(Path dir) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(FILE));
        } catch (NoSuchFileException e) {
            return new Absent();
        }
        State a = slot(bytes, 0);
        State b = slot(bytes, SLOT_BYTES);
        if (a == null && b == null) {
            return new Unreadable(bytes.length + " bytes, neither of its two slots holds a whole state with a valid"
                    + " checksum");
        }
        return new Found(a == null ? b : b == null || a.commit() > b.commit() ? a : b);
    }

    /** The state in the slot at {@code at}, or null if it is cut short, not a marker or fails its checksum. */
    private static State slot(byte[] bytes, int at) {
        if (bytes.length - at < STATE_BYTES) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, at, STATE_BYTES);
        if (b.getInt() != MAGIC) {
            return null;
        }
        long commit = b.getLong();
        long seq = b.getLong();
        long version = b.getLong();
        if (b.getInt() != crc(bytes, at)) {
            return null;
        }
        try {
            return new State(commit, seq, version);
        } catch (IllegalArgumentException e) {
            return null; // a valid checksum over values no writer writes: treat the slot as damaged
        }
    }

    private static int crc(byte[] bytes, int at) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, at, STATE_BYTES - 4);
        return (int) crc.getValue();
    }

    /** The bytes of one slot holding {@code state}. */
    static byte[] encode(State state) {
        byte[] slot = new byte[SLOT_BYTES];
        ByteBuffer.wrap(slot).putInt(MAGIC).putLong(state.commit()).putLong(state.lastSeq())
                .putLong(state.maxVersion()).putInt(crc(slot, 0));
        return slot;
    }

    /**
     * Opens {@code dir/COMMIT} for writing (creating it), continuing after the highest valid commit in it;
     * nothing is written before {@link #write}.
     */
    static CommitMarker open(Path dir) throws IOException {
        Read existing = read(dir);
        long commit = existing instanceof Found f ? f.state().commit() : 0;
        FileChannel ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new CommitMarker(dir, ch, commit, ch.size() >= 2L * SLOT_BYTES && existing instanceof Found);
    }

    /**
     * Writes the next commit and forces it; the first write of a new (or damaged) file forces its size
     * and the directory entry too, so the marker never vanishes with a crash after it was relied on.
     */
    void write(long lastSeq, long maxVersion) throws IOException {
        State next = new State(commit + 1, lastSeq, maxVersion);
        ByteBuffer slot = ByteBuffer.wrap(encode(next));
        long at = (next.commit() % 2) * SLOT_BYTES;
        while (slot.hasRemaining()) {
            at += channel.write(slot, at);
        }
        if (durableEntry) {
            channel.force(false);
        } else {
            channel.force(true);
            JournalFiles.forceDirectory(dir);
            durableEntry = channel.size() >= 2L * SLOT_BYTES;
        }
        commit = next.commit();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
