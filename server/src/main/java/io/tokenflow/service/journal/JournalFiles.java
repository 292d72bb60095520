package io.tokenflow.service.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The data directory's layout and fsync discipline: file names, listing, and writing a file so it is
 * whole or absent; stateless and safe from any thread (what runs on one directory at a time is up to
 * the caller); a listing costs one directory read, an atomic write two fsyncs and a rename.
 *
 * <p>Sequence numbers in names are zero-padded to 20 digits so that names sort in sequence order:
 * {@link #list} sorts by name, and recovery relies on that order.
 */
final class JournalFiles {
    private static final Pattern SEGMENT = Pattern.compile("journal-(\\d{20})\\.log");
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{20})\\.json");
    /** The suffix of a snapshot being written; one left over never got renamed, so it was never used. */
    static final String SNAPSHOT_TMP_SUFFIX = ".json.tmp";

    private JournalFiles() {}

    static String snapshotName(long seq) {
        return String.format(Locale.ROOT, "snapshot-%020d.json", seq);
    }

    static String segmentName(long firstSeq) {
        return String.format(Locale.ROOT, "journal-%020d.log", firstSeq);
    }

    /** The first sequence number of the segment {@code file} names, or -1 if it names no segment. */
    static long segmentSeq(Path file) {
        Matcher m = SEGMENT.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The sequence number of the snapshot {@code file} names, or -1 if it names no snapshot. */
    static long snapshotSeq(Path file) {
        Matcher m = SNAPSHOT.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The directory's entries sorted by name (so segments and snapshots each in sequence order). */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    /**
     * Writes {@code bytes} as {@code dir/name}, whole or not at all: to {@code name.tmp}, forced, atomically
     * renamed over any old file, then the directory forced so the rename itself survives a crash. If it
     * fails before the rename, the temporary file is deleted.
     */
    static void writeAtomically(Path dir, String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // a partial temporary file is never read, but it would sit in the directory until the next start
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        forceDirectory(dir);
    }

    /** Forces the directory's entries (a created, renamed or deleted name) to disk. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; Linux can, and that is where it matters
            if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                throw e;
            }
        }
    }
}
