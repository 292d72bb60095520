package io.tokenflow.service.journal;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The market record's files: one record per published version, in segments, each record forced to
 * disk before {@link #append} returns; safe for one appending thread and any number of readers at
 * once. What a record's body holds is the caller's business ({@code io.tokenflow.service.MarketRecord}
 * encodes a version's settlement and prices); this class frames, forces, recovers, retains and reads.
 *
 * <p><b>On disk</b> ({@code DIR/record/}): {@code record-<first version, 20 digits>.log}, records back to
 * back, framed as the update journal's ({@link JournalCodec}: {@code [magic "TFR1"][length][CRC32C of
 * length + payload][payload]}, big-endian); the payload is {@code [version: 8][cleared-at epoch second:
 * 8][nanos: 4][flags: 1][body]}, flag bit 0 marking a <em>full</em> record. A segment starts with a full
 * record and only ever starts at one, so a caller can encode later records as changes to the ones
 * before them in the same segment and every segment reads back on its own: retention deletes whole
 * segments, oldest first. Each process starts a new segment with its first record.
 *
 * <p><b>Writing.</b> {@link #append} writes the framed record to the open segment and calls
 * {@code FileChannel.force(false)} before it returns, so a caller that publishes a version only after
 * its record is appended never serves one a crash can take back. If a write or force fails the log
 * stops for good (fail-stop: every later append fails too), since a partial write would otherwise sit
 * in the middle of the segment.
 *
 * <p><b>Recovery</b> ({@link #open}): the first record of every segment is read and checked (it names the
 * segment's first version and clear time), and the last segment is read whole. A bad record there with
 * no valid record after it is a bad tail: a copy is kept ({@code dropped-after-<last good version>.bin})
 * and the segment truncated before it, saying whether it may have been acknowledged ({@link BadTail});
 * a last segment left empty is deleted and the one before it read whole in its place. Anything else bad
 * (a bad record with valid ones after it, an unreadable first record, a segment not starting with a full
 * record of its name's version, versions not increasing) throws {@link JournalCorruptException}.
 *
 * <p><b>Reading</b> ({@link #read}, {@link #readFromTime}) streams records from the start of a segment,
 * checking each checksum, without holding any lock; a reader keeps the file it reads open, so retention
 * deleting it meanwhile does not cut it short, and a segment deleted before the reader reaches it
 * ends the read with {@link Gone}. The reader itself is {@link RecordCursor}.
 */
public final class RecordLog implements AutoCloseable {
    static final System.Logger LOG = System.getLogger(RecordLog.class.getName());
    static final int MAGIC = 0x5446_5231; // "TFR1"
    /** Version, epoch second, nanos, flags. */
    static final int PREFIX = 8 + 8 + 4 + 1;
    static final int FULL = 1;
    private static final Pattern SEGMENT = Pattern.compile("record-(\\d{20})\\.log");
    /** A new segment is started (with a full record) once the open one holds this many bytes. */
    static final long SEGMENT_BYTES = 64L << 20;

    /** One record read back: its version, when it was cleared, whether it is full, and the caller's body. */
    public record Entry(long version, Instant clearedAt, boolean full, byte[] body) {}

    /** A read reached a segment that retention deleted after the read began. */
    public static final class Gone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Gone(String message) {
            super(message);
        }
    }

    /** A segment: its file, first version and that version's clear time; {@code bytes} as last known. */
    record Segment(Path file, long firstVersion, Instant firstClearedAt, long bytes) {}

    private final Path dir;
    private final int recordsPerSegment;
    private final List<String> badTails;
    /** Guards {@link #segments}, {@link #newestVersion}, {@link #newestClearedAt}; readers copy out. */
    private final Object lock = new Object();
    private final List<Segment> segments;
    private long newestVersion;
    private Instant newestClearedAt;
    // the appending thread only
    private FileChannel open;
    private int openRecords;
    private IOException failure;

    private RecordLog(Path dir, int recordsPerSegment, List<Segment> segments, long newestVersion,
            Instant newestClearedAt, List<String> badTails) {
        this.dir = dir;
        this.recordsPerSegment = recordsPerSegment;
        this.segments = new ArrayList<>(segments);
        this.newestVersion = newestVersion;
        this.newestClearedAt = newestClearedAt;
        this.badTails = List.copyOf(badTails);
    }

    static String segmentName(long firstVersion) {
        return String.format(Locale.ROOT, "record-%020d.log", firstVersion);
    }

    /** The first version of the segment {@code file} names, or -1. */
    static long segmentVersion(Path file) {
        Matcher m = SEGMENT.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    // ---- recovery ----

    /**
     * Recovers {@code dir} (creating it if missing) and opens it for appending; a new segment is started
     * every {@code recordsPerSegment} records (or {@link #SEGMENT_BYTES}), at the caller's next full record.
     *
     * @throws JournalCorruptException if the directory holds data recovery must not guess about
     */
    public static RecordLog open(Path dir, int recordsPerSegment) throws IOException {
        if (recordsPerSegment < 1) {
            throw new IllegalArgumentException("records per segment must be >= 1, got " + recordsPerSegment);
        }
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (Path p : JournalFiles.list(dir)) {
            String name = p.getFileName().toString();
            if (segmentVersion(p) >= 0) {
                files.add(p);
            } else if (name.startsWith("dropped-") && name.endsWith(".bin.tmp")) {
                Files.deleteIfExists(p); // a copy that never got renamed
            }
        }
        List<String> badTails = new ArrayList<>();
        long newest = 0;
        Instant newestAt = null;
        // the last segment is read whole; one left empty is deleted, and the one before read whole instead
        while (!files.isEmpty()) {
            Path last = files.get(files.size() - 1);
            Entry tail = RecordSegments.recoverLast(dir, last, badTails);
            if (tail != null) {
                newest = tail.version();
                newestAt = tail.clearedAt();
                break;
            }
            Files.delete(last);
            JournalFiles.forceDirectory(dir);
            files.remove(files.size() - 1);
        }
        List<Segment> segments = new ArrayList<>();
        long previous = 0;
        for (Path file : files) {
            Entry first = RecordSegments.firstRecord(file);
            if (first.version() <= previous) {
                throw new JournalCorruptException("market record " + file + " starts at version " + first.version()
                        + ", not after the segment before it (" + previous + ")");
            }
            previous = first.version();
            segments.add(new Segment(file, first.version(), first.clearedAt(), Files.size(file)));
        }
        return new RecordLog(dir, recordsPerSegment, segments, newest, newestAt, badTails);
    }

    // ---- what it holds ----

    /** What recovery dropped, as "file at offset N (reason, K bytes dropped, a copy kept in F): meaning". */
    public List<String> badTails() {
        return badTails;
    }

    /** The oldest version retained (the first of the oldest segment), 0 if none. */
    public long oldestVersion() {
        synchronized (lock) {
            return segments.isEmpty() ? 0 : segments.get(0).firstVersion();
        }
    }

    /** When the oldest retained version was cleared; null if none. */
    public Instant oldestClearedAt() {
        synchronized (lock) {
            return segments.isEmpty() ? null : segments.get(0).firstClearedAt();
        }
    }

    /** The newest version written (and forced), 0 if none. */
    public long newestVersion() {
        synchronized (lock) {
            return newestVersion;
        }
    }

    /** When the newest version was cleared; null if none. */
    public Instant newestClearedAt() {
        synchronized (lock) {
            return newestClearedAt;
        }
    }

    /** Segment files retained. */
    public int segments() {
        synchronized (lock) {
            return segments.size();
        }
    }

    /** Bytes of the retained segments. */
    public long bytes() {
        synchronized (lock) {
            return segments.stream().mapToLong(Segment::bytes).sum();
        }
    }

    // ---- appending: one thread ----

    /**
     * Whether the next record must be full: nothing is open yet in this process, or the open segment
     * holds {@code recordsPerSegment} records or {@link #SEGMENT_BYTES}.
     */
    public boolean needsFull() {
        try {
            return open == null || openRecords >= recordsPerSegment || open.position() >= SEGMENT_BYTES;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Writes one record and forces it to disk; a full record starts a new segment. Versions must
     * increase; a change record needs an open segment.
     *
     * @throws IOException if it cannot be written, now or after an earlier failure (fail-stop)
     */
    public void append(long version, Instant clearedAt, boolean full, byte[] body) throws IOException {
        if (failure != null) {
            throw new IOException("the market record failed earlier and takes no more versions: " + failure, failure);
        }
        if (version <= newestVersion()) {
            throw new IllegalArgumentException("version " + version + " is not after the newest recorded, "
                    + newestVersion());
        }
        if (!full && open == null) {
            throw new IllegalStateException("a change record needs an open segment: the first record must be full");
        }
        ByteBuffer payload = ByteBuffer.allocate(PREFIX + body.length).putLong(version)
                .putLong(clearedAt.getEpochSecond()).putInt(clearedAt.getNano()).put((byte) (full ? FULL : 0))
                .put(body);
        ByteBuffer out = ByteBuffer.allocate(JournalCodec.HEADER + payload.capacity());
        JournalCodec.frame(out, payload.array(), MAGIC);
        out.flip();
        try {
            if (full) {
                roll(version, clearedAt);
            }
            while (out.hasRemaining()) {
                open.write(out);
            }
            open.force(false);
            openRecords++;
            long size = open.position();
            synchronized (lock) {
                Segment current = segments.get(segments.size() - 1);
                segments.set(segments.size() - 1, new Segment(current.file(), current.firstVersion(),
                        current.firstClearedAt(), size));
                newestVersion = version;
                newestClearedAt = clearedAt;
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            LOG.log(Level.ERROR, "the market record in " + dir + " failed writing version " + version
                    + "; it takes no more versions until the server restarts: " + e);
            throw failure;
        }
    }

    private void roll(long version, Instant clearedAt) throws IOException {
        if (open != null) {
            open.close();
            open = null;
        }
        Path file = dir.resolve(segmentName(version));
        open = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        openRecords = 0;
        JournalFiles.forceDirectory(dir);
        synchronized (lock) {
            segments.add(new Segment(file, version, clearedAt, 0));
        }
    }

    /**
     * Deletes the oldest segments none of whose versions is retained: retained are the versions above
     * {@code newest - keepVersions} and, if {@code keepAge} is given, those cleared within it of
     * {@code now}; a segment goes only when the next one starts at a version or time already outside
     * that, and the open one never goes. Returns the segments deleted.
     */
    public int retain(long keepVersions, Duration keepAge, Instant now) throws IOException {
        List<Path> doomed = new ArrayList<>();
        synchronized (lock) {
            long newest = newestVersion;
            Instant cutoff = keepAge == null ? null : now.minus(keepAge);
            while (segments.size() > 1) {
                Segment next = segments.get(1);
                boolean byVersions = next.firstVersion() - 1 <= newest - keepVersions;
                boolean byAge = cutoff != null && next.firstClearedAt().isBefore(cutoff);
                if (!byVersions && !byAge) {
                    break;
                }
                doomed.add(segments.remove(0).file());
            }
        }
        for (Path p : doomed) {
            Files.deleteIfExists(p);
        }
        if (!doomed.isEmpty()) {
            JournalFiles.forceDirectory(dir);
        }
        return doomed.size();
    }

    @Override
    public void close() {
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the market record segment failed: " + e);
            }
            open = null;
        }
    }

    // ---- reading: any thread ----

    /**
     * Records from the start of the segment holding {@code version} (or of the oldest, if it is older
     * than every segment) on, through every record forced when this is called.
     */
    public Cursor read(long version) {
        synchronized (lock) {
            int at = 0;
            for (int i = 0; i < segments.size(); i++) {
                if (segments.get(i).firstVersion() <= version) {
                    at = i;
                }
            }
            return new RecordCursor(List.copyOf(segments.subList(Math.min(at, segments.size()), segments.size())));
        }
    }

    /** As {@link #read}, from the segment holding the last version cleared before or at {@code since}. */
    public Cursor readFromTime(Instant since) {
        synchronized (lock) {
            int at = 0;
            for (int i = 0; i < segments.size(); i++) {
                if (!segments.get(i).firstClearedAt().isAfter(since)) {
                    at = i;
                }
            }
            return new RecordCursor(List.copyOf(segments.subList(Math.min(at, segments.size()), segments.size())));
        }
    }

    /**
     * Records in order, read lazily one segment at a time, each checked: a bad one throws
     * {@link JournalCorruptException} (wrapped in {@link UncheckedIOException} for I/O errors), a segment
     * deleted before it is reached {@link Gone}. Not thread-safe; close it when done.
     */
    public sealed interface Cursor extends Iterator<Entry>, Closeable permits RecordCursor {
        // without IOException: closing a reader loses nothing, so callers need no catch
        @Override
        void close();
    }
}
