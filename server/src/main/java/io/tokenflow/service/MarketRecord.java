package io.tokenflow.service;

import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.SettlementStatement;
import io.tokenflow.service.journal.JournalCorruptException;
import io.tokenflow.service.journal.RecordLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * The durable market record of {@code tokenflow serve --data-dir}: every version the leader publishes,
 * its settlement and its prices with their causes, written and forced to disk <em>before</em> the version
 * is published, so nothing served can be lost by a crash, and read back after restarts: by
 * ExportSettlement (every record comes from here) and by PriceHistory past the in-memory window.
 *
 * <p>Files and recovery are {@link RecordLog}'s ({@code DIR/record/record-<first version>.log}); the body
 * of each record is {@link RecordCodec}'s (a full record at the start of each segment, the changes from
 * the version before after it). Retention ({@link Retention}) deletes whole segments, oldest first, after
 * each append.
 *
 * <p>Thread-safe: {@link #append} from one thread at a time (the publisher), reads from any thread,
 * never blocking the publisher (a read copies the segment list and streams the files itself). Memory:
 * the encoder keeps the tables of the last version (about 0.8 MB for 1000 nodes × 8 classes), a read the
 * tables of the version it is at.
 */
public final class MarketRecord implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MarketRecord.class.getName());

    /**
     * What the record keeps: the versions above {@code newest - versions}, and, if {@code age} is given,
     * only those cleared within it; whole segments are deleted once none of their versions is kept.
     */
    public record Retention(long versions, Duration age) {
        public Retention {
            if (versions < 1) {
                throw new IllegalArgumentException("record retention must keep >= 1 version, got " + versions);
            }
            if (age != null && (age.isNegative() || age.isZero())) {
                throw new IllegalArgumentException("record retention age must be > 0, got " + age);
            }
        }

        /** Versions per segment: an eighth of those kept (so retention overshoots by at most that), 16 to 1024. */
        int versionsPerSegment() {
            return (int) Math.max(16, Math.min(1024, versions / 8));
        }
    }

    private final Path dir;
    private final RecordLog log;
    private final Retention retention;
    private final Clock clock;
    // the publisher only
    private RecordTables.Tables previous;

    private MarketRecord(Path dir, RecordLog log, Retention retention, Clock clock) {
        this.dir = dir;
        this.log = log;
        this.retention = retention;
        this.clock = clock;
    }

    /**
     * Recovers the record in {@code dir} (creating it if missing; a bad tail is dropped, a copy kept) and
     * opens it for appending.
     *
     * @throws JournalCorruptException if the directory holds data recovery must not guess about
     */
    public static MarketRecord open(Path dir, Retention retention, Clock clock) throws IOException {
        Objects.requireNonNull(retention, "retention");
        RecordLog log = RecordLog.open(dir, retention.versionsPerSegment());
        return new MarketRecord(dir, log, retention, Objects.requireNonNull(clock, "clock"));
    }

    public Path directory() {
        return dir;
    }

    public Retention retention() {
        return retention;
    }

    /** The newest version recorded, 0 if none: the next process publishes above it. */
    public long newestVersion() {
        return log.newestVersion();
    }

    /** The oldest version retained, 0 if none. */
    public long oldestVersion() {
        return log.oldestVersion();
    }

    /** When the oldest retained version was cleared; null if none. */
    public Instant oldestClearedAt() {
        return log.oldestClearedAt();
    }

    /** Bad tails recovery dropped, as "file at offset N (reason, K bytes dropped, a copy kept in F): meaning". */
    public List<String> badTails() {
        return log.badTails();
    }

    /** Bytes of the retained segment files. */
    public long bytes() {
        return log.bytes();
    }

    /** Segment files retained. */
    public int segments() {
        return log.segments();
    }

    // ---- writing: the publisher ----

    /**
     * Records a version and forces it to disk, then applies retention; call before publishing it.
     *
     * @throws MarketRecordException if it cannot be written (then, and from then on: the record is
     *                               fail-stop, and the version must not be published)
     */
    void append(long version, Instant clearedAt, Scenario scenario, ClearingResult result,
            SettlementStatement statement, VersionCauses causes) {
        RecordTables.Layout layout = previous != null && matches(previous.layout, scenario) ? previous.layout
                : RecordTables.Layout.of(scenario);
        RecordTables.Tables now = RecordTables.Tables.of(layout, result, statement, causes);
        boolean full = log.needsFull() || !now.changeableFrom(previous);
        byte[] body = RecordCodec.encode(now, previous, full);
        try {
            log.append(version, clearedAt, full, body);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file " + e.getMessage()
                    : e.getMessage();
            throw new MarketRecordException("the market record in " + dir + " cannot be written (" + why
                    + "); no version is published until the server restarts", e);
        }
        previous = now;
        try {
            log.retain(retention.versions(), retention.age(), clock.instant());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "market record retention in " + dir + " failed (retrying after the next version): "
                    + e);
        }
    }

    private static boolean matches(RecordTables.Layout layout, Scenario scenario) {
        if (layout.nodes.size() != scenario.nodes().size() || layout.classes.size() != scenario.classes().size()
                || layout.linkFrom.length != scenario.links().size()) {
            return false;
        }
        for (int j = 0; j < layout.nodes.size(); j++) {
            if (!layout.nodes.get(j).equals(scenario.nodes().get(j).id())) {
                return false;
            }
        }
        for (int k = 0; k < layout.classes.size(); k++) {
            if (!layout.classes.get(k).equals(scenario.classes().get(k).id())) {
                return false;
            }
        }
        for (int a = 0; a < layout.linkFrom.length; a++) {
            if (!layout.nodes.get(layout.linkFrom[a]).equals(scenario.links().get(a).from())
                    || !layout.nodes.get(layout.linkTo[a]).equals(scenario.links().get(a).to())) {
                return false;
            }
        }
        return true;
    }

    /** Closes the open segment; every record is already on disk. */
    @Override
    public void close() {
        log.close();
    }

    // ---- reading: any thread ----

    /**
     * The records of versions {@code first} to {@code last} (both at most {@code published}, the version
     * answers come from), read lazily; {@code superseded_at} is the next recorded version's clear time,
     * absent for {@code published}.
     *
     * @throws VersionOutOfRangeException if {@code first} is older than the oldest retained
     */
    SettlementStream settlements(long first, long last, long published) {
        RecordLog.Cursor cursor = log.read(first);
        return new SettlementStream() {
            private RecordTables.Tables tables;
            private RecordLog.Entry pending;
            private SettlementRecord next;
            private boolean done;
            private boolean started;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                if (done) {
                    return false;
                }
                try {
                    next = advance();
                } catch (RuntimeException e) {
                    close();
                    throw translate(e);
                }
                if (next == null) {
                    close();
                }
                return next != null;
            }

            private SettlementRecord advance() {
                while (true) {
                    RecordLog.Entry e = pending != null ? pending : cursor.hasNext() ? cursor.next() : null;
                    pending = null;
                    if (!started) {
                        started = true;
                        if (e == null || e.version() > first) {
                            throw new VersionOutOfRangeException("from_version " + first + " is no longer retained; "
                                    + SettlementHistory.retained(oldestVersion(), published));
                        }
                    }
                    if (e == null || e.version() > last) {
                        return null;
                    }
                    tables = RecordCodec.decode(e.body(), e.full(), tables, false);
                    if (e.version() < first) {
                        continue;
                    }
                    pending = cursor.hasNext() ? cursor.next() : null;
                    Optional<Instant> superseded = pending != null && pending.version() <= published
                            ? Optional.of(pending.clearedAt()) : Optional.empty();
                    return new SettlementRecord(e.version(), e.clearedAt(), superseded, tables.statement());
                }
            }

            @Override
            public SettlementRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                SettlementRecord r = next;
                next = null;
                return r;
            }

            @Override
            public void close() {
                done = true;
                cursor.close();
            }
        };
    }

    /**
     * The points of {@code origin} × {@code classId} at every recorded version below {@code before}
     * cleared at or after {@code since} (null: every one), oldest first.
     */
    List<PricePoint> points(String origin, String classId, Instant since, long before) {
        return points(origin, classId, since, before, 0, Integer.MAX_VALUE);
    }

    /**
     * The points of {@code origin} × {@code classId} at the recorded versions in
     * {@code [fromVersion, before)} cleared at or after {@code since} (null: every one), oldest first, at
     * most {@code limit} of them. Reading starts at the segment holding {@code fromVersion} (a page
     * after the first) or {@code since}, so paging through a long record reads each segment about once.
     */
    List<PricePoint> points(String origin, String classId, Instant since, long before, long fromVersion, int limit) {
        for (int attempt = 0; ; attempt++) {
            try (RecordLog.Cursor cursor = fromVersion > 0 ? log.read(fromVersion)
                    : since == null ? log.read(0) : log.readFromTime(since)) {
                List<PricePoint> points = new ArrayList<>();
                RecordTables.Tables tables = null;
                RecordTables.Layout layout = null;
                int slot = -1;
                while (cursor.hasNext() && points.size() < limit) {
                    RecordLog.Entry e = cursor.next();
                    if (e.version() >= before) {
                        break;
                    }
                    tables = RecordCodec.decode(e.body(), e.full(), tables, true);
                    if (tables.layout != layout) {
                        layout = tables.layout;
                        slot = layout.slot(origin, classId);
                    }
                    if (slot >= 0 && e.version() >= fromVersion && (since == null || !e.clearedAt().isBefore(since))) {
                        points.add(tables.point(e.version(), e.clearedAt(), slot));
                    }
                }
                return points;
            } catch (RecordLog.Gone e) {
                if (attempt >= 2) {
                    throw new MarketRecordException("the market record's oldest versions kept being dropped while"
                            + " PriceHistory read them", e);
                }
                // retention dropped the segment it was about to read: read again from the new oldest
            } catch (RuntimeException e) {
                throw translate(e);
            }
        }
    }

    private RuntimeException translate(RuntimeException e) {
        if (e instanceof VersionOutOfRangeException) {
            return e;
        }
        if (e instanceof RecordLog.Gone) {
            return new VersionOutOfRangeException(e.getMessage() + "; versions from " + oldestVersion()
                    + " are retained: export more often than retention (--record-versions, --record-age) drops them");
        }
        if (e instanceof JournalCorruptException || e instanceof UncheckedIOException
                || e instanceof IllegalArgumentException) {
            LOG.log(Level.ERROR, "reading the market record in " + dir + " failed: " + e.getMessage());
            return new MarketRecordException("reading the market record failed: " + e.getMessage(), e);
        }
        return e;
    }
}
