package io.tokenflow.service.journal;

import static io.tokenflow.service.journal.RecordLog.FULL;
import static io.tokenflow.service.journal.RecordLog.LOG;
import static io.tokenflow.service.journal.RecordLog.MAGIC;
import static io.tokenflow.service.journal.RecordLog.PREFIX;
import static io.tokenflow.service.journal.RecordLog.segmentVersion;

import io.tokenflow.service.journal.RecordLog.Entry;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * The bytes of {@link RecordLog}'s segments: reading one record, checking a segment's first, and
 * recovering the last segment at start (a bad tail truncated with a copy kept; a bad record with valid
 * ones after it refused). Stateless.
 */
final class RecordSegments {
    private RecordSegments() {}

    /** The first record of a segment, which must be whole, valid, full and of the name's version. */
    static Entry firstRecord(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch),
                        1 << 16))) {
            Entry first;
            try {
                first = readRecord(in, ch.size(), 0, file);
            } catch (EOFException e) {
                first = null;
            }
            if (first == null) {
                throw new JournalCorruptException("market record " + file + " holds no whole first record");
            }
            checkFirst(file, first);
            return first;
        }
    }

    static void checkFirst(Path file, Entry first) {
        if (!first.full() || first.version() != segmentVersion(file)) {
            throw new JournalCorruptException("market record " + file + " starts with " + (first.full() ? "" : "a"
                    + " change record, not a full one, ") + "version " + first.version()
                    + (first.version() != segmentVersion(file) ? ", not the version in its name" : ""));
        }
    }

    /**
     * Reads the last segment whole, truncating a bad tail (a copy kept); the last valid record, or null
     * if none remains.
     */
    static Entry recoverLast(Path dir, Path file, List<String> badTails) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int pos = 0;
        Entry last = null;
        while (pos < bytes.length) {
            String bad = JournalCodec.check(bytes, pos, MAGIC);
            if (bad == null && JournalCodec.size(bytes, pos) - JournalCodec.HEADER < PREFIX) {
                bad = "payload shorter than the record prefix";
            }
            if (bad != null) {
                if (JournalCodec.validRecordAfter(bytes, pos + 1, MAGIC)) {
                    throw new JournalCorruptException("market record " + file + " has a bad record at offset " + pos
                            + " (" + bad + ") followed by valid records: refusing to start rather than drop"
                            + " versions that were served; move " + file.getFileName() + " aside to start without it");
                }
                dropTail(dir, file, bytes, pos, bad, last, badTails);
                return last;
            }
            Entry e = entry(bytes, pos + JournalCodec.HEADER, JournalCodec.size(bytes, pos) - JournalCodec.HEADER);
            if (last == null) {
                checkFirst(file, e);
            } else if (e.version() <= last.version()) {
                throw new JournalCorruptException("market record " + file + " record at offset " + pos + " has version "
                        + e.version() + ", not after " + last.version());
            }
            last = e;
            pos += JournalCodec.size(bytes, pos);
        }
        return last;
    }

    static void dropTail(Path dir, Path file, byte[] bytes, int pos, String bad, Entry last,
            List<String> badTails) throws IOException {
        BadTail.Kind kind = BadTail.classify(bad, bytes, pos);
        String copy = BadTail.keepCopy(dir, "after-" + (last == null ? 0 : last.version()), bytes, pos);
        String meaning = BadTail.meaning(kind, "a version already served");
        badTails.add(file.getFileName() + " at offset " + pos + " (" + bad + ", " + (bytes.length - pos)
                + " bytes dropped, a copy kept in " + copy + "): " + meaning);
        LOG.log(kind.mayHaveBeenAcknowledged() ? Level.ERROR : Level.WARNING, "market record " + file + ": bad tail"
                + " record after version " + (last == null ? "(none)" : last.version()) + " at offset " + pos + " ("
                + bad + "), truncating " + (bytes.length - pos) + " bytes, a copy kept in " + dir.resolve(copy) + ": "
                + meaning);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(pos);
            ch.force(true);
        }
    }

    static Entry entry(byte[] payload, int from, int length) {
        ByteBuffer b = ByteBuffer.wrap(payload, from, length);
        long version = b.getLong();
        Instant clearedAt = Instant.ofEpochSecond(b.getLong(), b.getInt());
        boolean full = (b.get() & FULL) != 0;
        byte[] body = new byte[length - PREFIX];
        b.get(body);
        return new Entry(version, clearedAt, full, body);
    }

    /**
     * The record at {@code pos} of {@code in}, whose stream holds {@code end} bytes, or throws: EOF
     * if none starts there, {@link JournalCorruptException} if one does but is bad.
     */
    static Entry readRecord(DataInputStream in, long end, long pos, Path file) throws IOException {
        if (pos >= end) {
            throw new EOFException();
        }
        if (end - pos < JournalCodec.HEADER) {
            throw bad(file, pos, "header cut short");
        }
        int magic = in.readInt();
        int length = in.readInt();
        int crc = in.readInt();
        if (magic != MAGIC) {
            throw bad(file, pos, "bad magic");
        }
        if (length < PREFIX || length > JournalCodec.MAX_PAYLOAD) {
            throw bad(file, pos, "bad length " + length);
        }
        if (end - pos - JournalCodec.HEADER < length) {
            throw bad(file, pos, "record cut short");
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (JournalCodec.crc(length, payload, 0, length) != crc) {
            throw bad(file, pos, "checksum mismatch");
        }
        return entry(payload, 0, length);
    }

    static JournalCorruptException bad(Path file, long pos, String why) {
        return new JournalCorruptException("market record " + file + " has a bad record at offset " + pos + " (" + why
                + ")");
    }
}
