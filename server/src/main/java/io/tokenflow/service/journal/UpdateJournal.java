package io.tokenflow.service.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The update journal of {@code tokenflow serve --data-dir}: accepted update batches appended to
 * segment files and forced to disk before they are acknowledged, plus periodic snapshots of the
 * accepted scenario behind which the journal is compacted.
 *
 * <p><b>On disk</b> (one directory):
 * <ul>
 *   <li>{@code snapshot-<seq>.json}: {@code {"format": "tokenflow-snapshot-v1", "seq": S, "version": V,
 *       "scenario": {...}}}, the accepted scenario after record S (the scenario file format), V the
 *       highest version promised so far. Written to a temporary file, forced, atomically renamed, and
 *       the directory forced, so a snapshot is whole or absent.</li>
 *   <li>{@code journal-<first seq>.log}: records {@code [magic "TFJ1"][length][CRC32C][payload]}
 *       (big-endian ints; the checksum covers the length and the payload); the payload is compact JSON
 *       {@code {"s": seq, "v": promised version, "u": [["c", node, class, tokens/s], ["d", origin, class,
 *       tokens/s], ["e", node, $/kWh], ["l", from, to, Gbps]]}}.</li>
 * </ul>
 *
 * <p><b>Group commit.</b> {@link #append} only queues; one writer thread takes everything queued since
 * its last force, writes it in one go, forces once ({@code FileChannel.force(false)}), then completes
 * the appends' futures. Every {@code snapshotEvery} records it writes a snapshot, starts a new segment
 * and deletes the segments and snapshots the new one covers.
 *
 * <p><b>Failure.</b> If a write or force fails the journal stops for good (fail-stop): the batch's and
 * every later append's future fails, and the caller must stop accepting updates.
 *
 * <p><b>Recovery</b> ({@link #recover}): the newest snapshot, then every record after it in order. A
 * record with a bad magic, length or checksum, or cut short, ends replay: if no valid record follows it
 * in the last segment, it is a torn tail and is truncated away (logged as a WARNING with file and
 * offset); otherwise the data is corrupt and recovery fails ({@link JournalCorruptException}).
 */
public final class UpdateJournal implements UpdateLog {
    private static final System.Logger LOG = System.getLogger(UpdateJournal.class.getName());
    static final int MAGIC = 0x5446_4A31; // "TFJ1"
    static final int HEADER = 12;
    static final int MAX_PAYLOAD = 64 << 20;
    private static final String FORMAT = "tokenflow-snapshot-v1";
    private static final Pattern SEGMENT = Pattern.compile("journal-(\\d{20})\\.log");
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{20})\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a data directory holds.
     *
     * @param scenario     the accepted scenario after the last valid record (the base scenario if the
     *                     directory is new)
     * @param lastSeq      sequence number of the last valid record (0: none)
     * @param maxVersion   the highest version promised in the snapshot and records (0: none); the
     *                     next process must publish above it
     * @param snapshotSeq  the record the snapshot covers up to (-1: no snapshot, a new directory)
     * @param replayed     records replayed after the snapshot
     * @param tornTails    torn tails dropped, as "file at offset N (reason)"
     */
    public record Recovered(Scenario scenario, long lastSeq, long maxVersion, long snapshotSeq, int replayed,
            List<String> tornTails) {
        public boolean fresh() {
            return snapshotSeq < 0;
        }
    }

    private record Append(long seq, long version, List<MarketUpdate> updates, CompletableFuture<Void> done) {}

    private final Path dir;
    private final int snapshotEvery;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final List<Append> queue = new ArrayList<>();
    private final Thread writer;
    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private boolean closing;
    private Throwable failure;
    // writer thread only (and open/close, which run before it starts / after it ends)
    private FileChannel segment;
    private Scenario snapshotScenario;
    private long snapshotSeq;
    private final List<List<MarketUpdate>> sinceSnapshot = new ArrayList<>();
    private long lastSeq;
    private long maxVersion;

    private UpdateJournal(Path dir, int snapshotEvery, Scenario scenario, long lastSeq, long maxVersion) {
        this.dir = dir;
        this.snapshotEvery = snapshotEvery;
        this.snapshotScenario = scenario;
        this.snapshotSeq = lastSeq;
        this.lastSeq = lastSeq;
        this.maxVersion = maxVersion;
        this.writer = new Thread(this::writeLoop, "tokenflow-journal");
        writer.setDaemon(true);
    }

    /**
     * Opens the journal after {@link #recover}: writes a snapshot of the recovered state carrying
     * {@code firstVersion} (the version this process publishes first, so the next process starts above
     * it even if nothing is appended), deletes the segments it covers and starts a new segment.
     */
    public static UpdateJournal open(Path dir, Recovered recovered, long firstVersion, int snapshotEvery)
            throws IOException {
        if (snapshotEvery < 1) {
            throw new IllegalArgumentException("snapshot interval must be >= 1 record, got " + snapshotEvery);
        }
        if (firstVersion <= recovered.maxVersion()) {
            throw new IllegalArgumentException("first version " + firstVersion + " must be above every version"
                    + " promised before, " + recovered.maxVersion());
        }
        UpdateJournal journal = new UpdateJournal(dir, snapshotEvery, recovered.scenario(), recovered.lastSeq(),
                firstVersion);
        journal.snapshotAndRoll();
        journal.writer.start();
        return journal;
    }

    // ---- appending ----

    @Override
    public CompletableFuture<Void> append(long seq, long version, List<MarketUpdate> updates) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lock.lock();
        try {
            if (failure != null) {
                done.completeExceptionally(new IOException("the update journal failed earlier: " + failure, failure));
                return done;
            }
            if (closing) {
                done.completeExceptionally(new IOException("the update journal is closed"));
                return done;
            }
            queue.add(new Append(seq, version, List.copyOf(updates), done));
            queued.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    /** Forces done so far (each covers every record queued before it started). */
    public long forces() {
        return forces.get();
    }

    /** Records written and forced so far. */
    public long records() {
        return written.get();
    }

    private void writeLoop() {
        List<Append> batch = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return; // closing and drained
                }
                batch.addAll(queue);
                queue.clear();
            } finally {
                lock.unlock();
            }
            try {
                ByteBuffer out = encode(batch);
                while (out.hasRemaining()) {
                    segment.write(out);
                }
                segment.force(false);
                forces.incrementAndGet();
                written.addAndGet(batch.size());
            } catch (IOException | RuntimeException e) {
                fail(batch, e);
                return;
            }
            for (Append a : batch) {
                sinceSnapshot.add(a.updates());
                lastSeq = a.seq();
                maxVersion = Math.max(maxVersion, a.version());
            }
            batch.forEach(a -> a.done().complete(null));
            batch.clear();
            if (sinceSnapshot.size() >= snapshotEvery) {
                try {
                    snapshotAndRoll();
                } catch (IOException | RuntimeException e) {
                    // the records are safe in the journal; try again at the next interval
                    LOG.log(Level.WARNING, "snapshot of " + dir + " at record " + lastSeq + " failed (the journal"
                            + " keeps the records; retrying later): " + e);
                }
            }
        }
    }

    private void fail(List<Append> batch, Throwable e) {
        LOG.log(Level.ERROR, "the update journal in " + dir + " failed; the oracle takes no more updates: " + e);
        List<Append> failed = new ArrayList<>(batch);
        lock.lock();
        try {
            failure = e;
            failed.addAll(queue);
            queue.clear();
        } finally {
            lock.unlock();
        }
        IOException cause = new IOException("the update journal failed: " + e, e);
        failed.forEach(a -> a.done().completeExceptionally(cause));
    }

    private static ByteBuffer encode(List<Append> batch) {
        List<byte[]> payloads = new ArrayList<>(batch.size());
        int size = 0;
        for (Append a : batch) {
            byte[] p = payload(a.seq(), a.version(), a.updates());
            payloads.add(p);
            size += HEADER + p.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
        payloads.forEach(p -> record(out, p));
        return out.flip();
    }

    static void record(ByteBuffer out, byte[] payload) {
        out.putInt(MAGIC).putInt(payload.length).putInt(crc(payload.length, payload, 0, payload.length)).put(payload);
    }

    static int crc(int length, byte[] payload, int from, int len) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).putInt(length).array());
        crc.update(payload, from, len);
        return (int) crc.getValue();
    }

    static byte[] payload(long seq, long version, List<MarketUpdate> updates) {
        ObjectNode root = JSON.createObjectNode();
        root.put("s", seq);
        root.put("v", version);
        ArrayNode list = root.putArray("u");
        for (MarketUpdate u : updates) {
            ArrayNode e = list.addArray();
            if (u instanceof MarketUpdate.CapacityUpdate c) {
                e.add("c").add(c.node()).add(c.classId()).add(c.tokensPerSecond());
            } else if (u instanceof MarketUpdate.DemandUpdate d) {
                e.add("d").add(d.origin()).add(d.classId()).add(d.tokensPerSecond());
            } else if (u instanceof MarketUpdate.ElectricityPriceUpdate p) {
                e.add("e").add(p.node()).add(p.pricePerKwh());
            } else if (u instanceof MarketUpdate.LinkCapacityUpdate l) {
                e.add("l").add(l.from()).add(l.to()).add(l.capacityGbps());
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Decoded(long seq, long version, List<MarketUpdate> updates) {}

    private static Decoded decode(byte[] bytes, int from, int len) throws IOException {
        JsonNode root = JSON.readTree(new String(bytes, from, len, StandardCharsets.UTF_8));
        List<MarketUpdate> updates = new ArrayList<>();
        for (JsonNode e : root.path("u")) {
            String kind = e.path(0).asText();
            switch (kind) {
                case "c" -> updates.add(new MarketUpdate.CapacityUpdate(e.path(1).asText(), e.path(2).asText(),
                        e.path(3).asDouble()));
                case "d" -> updates.add(new MarketUpdate.DemandUpdate(e.path(1).asText(), e.path(2).asText(),
                        e.path(3).asDouble()));
                case "e" -> updates.add(new MarketUpdate.ElectricityPriceUpdate(e.path(1).asText(),
                        e.path(2).asDouble()));
                case "l" -> updates.add(new MarketUpdate.LinkCapacityUpdate(e.path(1).asText(), e.path(2).asText(),
                        e.path(3).asDouble()));
                default -> throw new IOException("unknown update kind '" + kind + "'");
            }
        }
        if (!root.path("s").canConvertToLong() || !root.path("v").canConvertToLong()) {
            throw new IOException("record without seq or version");
        }
        return new Decoded(root.path("s").asLong(), root.path("v").asLong(), updates);
    }

    // ---- snapshots ----

    /** Writes a snapshot at {@link #lastSeq}, starts segment lastSeq + 1, deletes what the snapshot covers. */
    private void snapshotAndRoll() throws IOException {
        Scenario scenario = snapshotScenario;
        for (List<MarketUpdate> updates : sinceSnapshot) {
            scenario = scenario.withUpdates(updates);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("seq", lastSeq);
        root.put("version", maxVersion);
        root.set("scenario", JSON.readTree(ScenarioJson.write(scenario)));
        Path file = dir.resolve(snapshotName(lastSeq));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
        snapshotScenario = scenario;
        snapshotSeq = lastSeq;
        sinceSnapshot.clear();

        if (segment != null) {
            segment.close();
        }
        segment = FileChannel.open(dir.resolve(segmentName(lastSeq + 1)), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        forceDirectory(dir);
        for (Path p : list(dir)) {
            Matcher seg = SEGMENT.matcher(p.getFileName().toString());
            Matcher snap = SNAPSHOT.matcher(p.getFileName().toString());
            if ((seg.matches() && Long.parseLong(seg.group(1)) <= snapshotSeq)
                    || (snap.matches() && Long.parseLong(snap.group(1)) < snapshotSeq)) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String snapshotName(long seq) {
        return String.format(Locale.ROOT, "snapshot-%020d.json", seq);
    }

    static String segmentName(long firstSeq) {
        return String.format(Locale.ROOT, "journal-%020d.log", firstSeq);
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; Linux can, and that is where it matters
            if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                throw e;
            }
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    /** Drains the queue, writes a final snapshot if records came since the last, closes the segment. */
    @Override
    public void close() {
        close(true);
    }

    /** As a crash after the last force: drains the queue but writes no snapshot (tests). */
    public void closeWithoutSnapshot() {
        close(false);
    }

    private void close(boolean snapshot) {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (snapshot && failure == null && !sinceSnapshot.isEmpty()) {
                snapshotAndRoll();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "final snapshot of " + dir + " failed (the journal keeps the records): " + e);
        } finally {
            try {
                if (segment != null) {
                    segment.close();
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the journal segment failed: " + e);
            }
        }
    }

    // ---- recovery ----

    /**
     * Reads a data directory (creating it if missing): the newest snapshot (else {@code base}) and every
     * valid record after it, truncating a torn tail.
     *
     * @throws JournalCorruptException if the directory holds data recovery must not guess about
     */
    public static Recovered recover(Path dir, Scenario base) throws IOException {
        Files.createDirectories(dir);
        Scenario scenario = base;
        long snapSeq = -1;
        long maxVersion = 0;
        List<Path> files = list(dir);
        Path newest = null;
        List<long[]> segments = new ArrayList<>(); // [first seq, index into files]
        for (int i = 0; i < files.size(); i++) {
            String name = files.get(i).getFileName().toString();
            Matcher snap = SNAPSHOT.matcher(name);
            Matcher seg = SEGMENT.matcher(name);
            if (snap.matches()) {
                newest = files.get(i); // names sort by seq
            } else if (seg.matches()) {
                segments.add(new long[] {Long.parseLong(seg.group(1)), i});
            } else if (name.endsWith(".json.tmp")) {
                Files.deleteIfExists(files.get(i)); // a snapshot that never got renamed
            }
        }
        if (newest != null) {
            try {
                JsonNode root = JSON.readTree(Files.readAllBytes(newest));
                if (!FORMAT.equals(root.path("format").asText())) {
                    throw new IOException("not a " + FORMAT + " file");
                }
                snapSeq = root.path("seq").asLong();
                maxVersion = root.path("version").asLong();
                scenario = ScenarioJson.read(root.path("scenario").toString());
            } catch (IOException | RuntimeException e) {
                throw new JournalCorruptException("snapshot " + newest + " cannot be read: " + e.getMessage(), e);
            }
        }
        long expected = Math.max(snapSeq, 0) + 1;
        long lastSeq = Math.max(snapSeq, 0);
        int replayed = 0;
        List<String> torn = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            Path file = files.get((int) segments.get(s)[1]);
            boolean last = s == segments.size() - 1;
            if (!last && segments.get(s + 1)[0] <= snapSeq + 1) {
                continue; // every record in it is covered by the snapshot (deleted when the journal opens)
            }
            byte[] bytes = Files.readAllBytes(file);
            int pos = 0;
            while (pos < bytes.length) {
                String bad = check(bytes, pos);
                if (bad != null) {
                    if (!last || validRecordAfter(bytes, pos + 1)) {
                        throw new JournalCorruptException("journal " + file + " has a bad record at offset " + pos
                                + " (" + bad + ") followed by valid records: refusing to start rather than skip"
                                + " acknowledged updates; move the data directory aside to start afresh");
                    }
                    String what = file.getFileName() + " at offset " + pos + " (" + bad + ", "
                            + (bytes.length - pos) + " bytes dropped)";
                    LOG.log(Level.WARNING, "journal " + file + ": torn tail record at offset " + pos + " (" + bad
                            + "), truncating " + (bytes.length - pos) + " bytes; it was never acknowledged");
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(pos);
                        ch.force(true);
                    }
                    torn.add(what);
                    break;
                }
                int len = ByteBuffer.wrap(bytes, pos + 4, 4).getInt();
                Decoded d;
                try {
                    d = decode(bytes, pos + HEADER, len);
                } catch (IOException e) {
                    throw new JournalCorruptException("journal " + file + " record at offset " + pos
                            + " has a valid checksum but cannot be decoded: " + e.getMessage(), e);
                }
                pos += HEADER + len;
                if (d.seq() <= snapSeq) {
                    continue;
                }
                if (d.seq() != expected) {
                    throw new JournalCorruptException("journal " + file + " record at offset " + (pos - HEADER - len)
                            + " has sequence " + d.seq() + ", expected " + expected + " (records are missing)");
                }
                try {
                    scenario = scenario.withUpdates(d.updates());
                } catch (RuntimeException e) {
                    throw new JournalCorruptException("journal " + file + " record " + d.seq()
                            + " does not apply to the recovered scenario: " + e.getMessage(), e);
                }
                expected++;
                lastSeq = d.seq();
                maxVersion = Math.max(maxVersion, d.version());
                replayed++;
            }
        }
        return new Recovered(scenario, lastSeq, maxVersion, snapSeq, replayed, List.copyOf(torn));
    }

    /** Null if a whole valid record starts at {@code pos}, else why not. */
    private static String check(byte[] bytes, int pos) {
        if (bytes.length - pos < HEADER) {
            return "header cut short";
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, pos, HEADER);
        int magic = b.getInt();
        int len = b.getInt();
        int crc = b.getInt();
        if (magic != MAGIC) {
            return "bad magic";
        }
        if (len < 0 || len > MAX_PAYLOAD) {
            return "bad length " + len;
        }
        if (bytes.length - pos - HEADER < len) {
            return "record cut short";
        }
        if (crc(len, bytes, pos + HEADER, len) != crc) {
            return "checksum mismatch";
        }
        return null;
    }

    private static boolean validRecordAfter(byte[] bytes, int from) {
        for (int p = from; p + HEADER <= bytes.length; p++) {
            if (bytes[p] == 0x54 && ByteBuffer.wrap(bytes, p, 4).getInt() == MAGIC && check(bytes, p) == null) {
                return true;
            }
        }
        return false;
    }
}
