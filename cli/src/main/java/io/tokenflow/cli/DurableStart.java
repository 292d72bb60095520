package io.tokenflow.cli;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.MarketRecord;
import io.tokenflow.service.OracleConfig;
import io.tokenflow.service.journal.RecoveryOptions;
import io.tokenflow.service.journal.UpdateJournal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * {@code tokenflow serve --data-dir}: recovers the market from the data directory (newest snapshot
 * plus journal; a new directory starts from {@code --scenario}) and the market record ({@code DIR/record}:
 * the settlement and prices of every retained version), and starts the oracle with both, so every
 * update is on disk before it is acknowledged and every version before it is served. The journal is
 * checked against its commit marker and the record's newest version: missing or damaged acknowledged
 * records refuse the start unless {@code --accept-journal-loss}. See docs/oracle.md, "Durability".
 */
final class DurableStart {
    /** The data directory's lock, held (and so referenced) for the life of the process. */
    private static FileLock held;

    private DurableStart() {}

    /**
     * Locks, recovers and starts; a failed start releases the lock (so a start in the same JVM, as tests
     * do, can try again).
     */
    static LeaderOracle start(Path dataDir, int snapshotEvery, MarketRecord.Retention retention,
            boolean acceptJournalLoss, Scenario loaded, OracleConfig config, MeterRegistry meters, PrintWriter out)
            throws IOException {
        lock(dataDir);
        try {
            return startLocked(dataDir, snapshotEvery, retention, acceptJournalLoss, loaded, config, meters, out);
        } catch (IOException | RuntimeException e) {
            unlock();
            throw e;
        }
    }

    private static LeaderOracle startLocked(Path dataDir, int snapshotEvery, MarketRecord.Retention retention,
            boolean acceptJournalLoss, Scenario loaded, OracleConfig config, MeterRegistry meters, PrintWriter out)
            throws IOException {
        // the record first: its newest version is what the journal must have promised at least
        MarketRecord record = MarketRecord.open(dataDir.resolve("record"), retention, config.clock());
        UpdateJournal.Recovered recovered;
        try {
            recovered = UpdateJournal.recover(dataDir, loaded, new RecoveryOptions(record.newestVersion(),
                    acceptJournalLoss));
        } catch (IOException | RuntimeException e) {
            record.close();
            throw e;
        }
        for (String loss : recovered.acceptedLosses()) {
            out.printf(Locale.ROOT, "tokenflow serve: ACCEPTED JOURNAL LOSS (--accept-journal-loss): %s%n", loss);
        }
        if (acceptJournalLoss && recovered.acceptedLosses().isEmpty()) {
            out.printf(Locale.ROOT, "tokenflow serve: --accept-journal-loss given, but nothing was lost; drop it%n");
        }
        for (String notice : recovered.notices()) {
            out.printf(Locale.ROOT, "tokenflow serve: %s%n", notice);
        }
        // recovery's maximum covers the record's newest version; the record's own check is belt and braces
        long firstVersion = Math.max(recovered.maxVersion(), record.newestVersion()) + 1;
        if (recovered.fresh()) {
            out.printf(Locale.ROOT, "tokenflow serve: new data directory %s, market '%s' from --scenario%n",
                    dataDir, loaded.name());
        } else {
            if (!ScenarioNames.same(loaded, recovered.scenario())) {
                out.printf(Locale.ROOT, "tokenflow serve: the data directory holds market '%s'; --scenario ('%s')"
                        + " is ignored%n", recovered.scenario().name(), loaded.name());
            }
            out.printf(Locale.ROOT, "tokenflow serve: recovered %s: snapshot at record %d, %d journal records"
                    + " replayed, last record %d, resuming at version %d%n", dataDir, recovered.snapshotSeq(),
                    recovered.replayed(), recovered.lastSeq(), firstVersion);
        }
        for (String torn : recovered.tornTails()) {
            out.printf(Locale.ROOT, "tokenflow serve: dropped the journal's bad tail record: %s%n", torn);
        }
        for (String torn : record.badTails()) {
            out.printf(Locale.ROOT, "tokenflow serve: dropped the market record's bad tail record: %s%n", torn);
        }
        if (record.oldestVersion() > 0) {
            out.printf(Locale.ROOT, "tokenflow serve: market record: versions %d to %d retained (%d segment%s, %s;"
                    + " keeping %s)%n", record.oldestVersion(), record.newestVersion(), record.segments(),
                    record.segments() == 1 ? "" : "s", size(record.bytes()), describe(retention));
        }
        UpdateJournal journal;
        try {
            journal = UpdateJournal.open(dataDir, recovered, firstVersion, snapshotEvery);
        } catch (IOException | RuntimeException e) {
            record.close();
            throw e;
        }
        try {
            LeaderOracle oracle = LeaderOracle.startDurable(recovered.scenario(), config, meters, firstVersion,
                    recovered.lastSeq(), journal, record);
            Gauge.builder("tokenflow.journal.forces", journal, UpdateJournal::forces)
                    .description("fsyncs of the update journal (each covers every record queued before it)")
                    .register(meters);
            Gauge.builder("tokenflow.journal.records", journal, UpdateJournal::records)
                    .description("update journal records written and forced").register(meters);
            Gauge.builder("tokenflow.journal.snapshot.failures", journal, UpdateJournal::snapshotFailures)
                    .description("Periodic journal snapshots that failed (each retried after --snapshot-every more"
                            + " records)").register(meters);
            Gauge.builder("tokenflow.record.bytes", record, MarketRecord::bytes).baseUnit("bytes")
                    .description("Disk used by the market record (settlements and prices of the retained versions)")
                    .register(meters);
            Gauge.builder("tokenflow.record.oldest.version", record, MarketRecord::oldestVersion)
                    .description("The oldest version ExportSettlement and PriceHistory can still read").register(meters);
            return oracle;
        } catch (RuntimeException e) {
            journal.close();
            record.close();
            throw e;
        }
    }

    private static String size(long bytes) {
        return bytes < 1_000_000 ? String.format(Locale.ROOT, "%.1f kB", bytes / 1e3)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static String describe(MarketRecord.Retention retention) {
        return "the last " + retention.versions() + " versions" + (retention.age() == null ? ""
                : ", none older than " + retention.age().toString().substring(2).toLowerCase(Locale.ROOT));
    }

    /** One server per data directory: an OS file lock on DIR/LOCK, released when the process ends, even by SIGKILL. */
    private static synchronized void lock(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        FileChannel channel = FileChannel.open(dataDir.resolve("LOCK"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("data directory " + dataDir + " is in use by another tokenflow serve");
        }
        held = lock;
    }

    private static synchronized void unlock() {
        if (held != null) {
            try {
                held.channel().close(); // releases the lock
            } catch (IOException e) {
                // the process is failing to start; its end releases the lock anyway
            }
            held = null;
        }
    }

    /** Scenario names only: a changed --scenario file with the same name is not detected. */
    private static final class ScenarioNames {
        static boolean same(Scenario a, Scenario b) {
            return a.name().equals(b.name());
        }
    }
}
