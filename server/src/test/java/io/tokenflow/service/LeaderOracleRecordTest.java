package io.tokenflow.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.journal.UpdateJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader with a market record (serve --data-dir): settlements and prices survive restarts bit for
 * bit, PriceHistory reaches past its in-memory window into the record, retention gives OUT_OF_RANGE
 * naming the oldest retained, and a version the record cannot keep is not published.
 */
class LeaderOracleRecordTest {
    private final Scenario base = EmbeddedScenarios.get("five-node");
    /** An in-memory window of 3 versions: everything older comes from the record. */
    private final OracleConfig config = OracleConfig.builder().priceHistory(3).build();
    private final String node = base.nodes().get(1).id();
    private final String origin = base.nodes().get(0).id();
    private final String classId = base.classes().get(0).id();

    private record Running(LeaderOracle oracle, UpdateJournal journal, MarketRecord record) {}

    private Running start(Path dir, MarketRecord.Retention retention) throws IOException {
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        MarketRecord record = MarketRecord.open(dir.resolve("record"), retention, config.clock());
        long first = Math.max(r.maxVersion(), record.newestVersion()) + 1;
        UpdateJournal journal = UpdateJournal.open(dir, r, first, 5);
        return new Running(LeaderOracle.startDurable(r.scenario(), config, new SimpleMeterRegistry(), first,
                r.lastSeq(), journal, record), journal, record);
    }

    private static final MarketRecord.Retention KEEP_ALL = new MarketRecord.Retention(1_000_000, null);

    /** Twelve updates, each waited for, with the newest PriceHistory point taken after each. */
    private List<PricePoint> updates(LeaderOracle oracle, int from) throws Exception {
        List<PricePoint> newest = new ArrayList<>();
        for (int i = from; i < from + 12; i++) {
            UpdateReceipt r = oracle.submit(List.of(new CapacityUpdate(node, classId, 400 + 7 * i),
                    new DemandUpdate(origin, classId, 20 + i * 0.25)));
            oracle.whenCleared(r.version()).get(20, TimeUnit.SECONDS);
            List<PricePoint> points = oracle.priceHistory(origin, classId, null).points();
            newest.add(points.get(points.size() - 1));
        }
        return newest;
    }

    @Test
    void aRestartKeepsEverySettlementAndPricePointBitForBit(@TempDir Path dir) throws Exception {
        Running one = start(dir, KEEP_ALL);
        List<PricePoint> seen = new ArrayList<>();
        seen.add(one.oracle().priceHistory(origin, classId, null).points().get(0));
        seen.addAll(updates(one.oracle(), 0));
        List<SettlementRecord> exported = one.oracle().settlements(0, 0);
        OriginPriceHistory history = one.oracle().priceHistory(origin, classId, null);
        assertEquals(13, exported.size());
        assertEquals(seen, history.points(), "PriceHistory reaches past its window of 3 into the record");
        assertEquals(1, history.oldestRetainedVersion());
        // a crash: no final snapshot, nothing more written
        one.journal().closeWithoutSnapshot();
        one.oracle().close();

        Running two = start(dir, KEEP_ALL);
        try {
            long restarted = two.oracle().state().version();
            assertTrue(restarted > 13, "version " + restarted);
            List<SettlementRecord> after = two.oracle().settlements(1, 0);
            assertEquals(exported.subList(0, 12), after.subList(0, 12), "every earlier record, bit for bit");
            SettlementRecord last = exported.get(12);
            assertEquals(new SettlementRecord(last.version(), last.clearedAt(),
                    Optional.of(two.oracle().state().snapshot().clearedAt()), last.statement()), after.get(12),
                    "the last version before the crash, now superseded by the restart's first");
            assertEquals(restarted, after.get(13).version());
            assertEquals(14, after.size());

            OriginPriceHistory again = two.oracle().priceHistory(origin, classId, null);
            assertEquals(seen, again.points().subList(0, 13), "every pre-crash point, causes included");
            assertEquals(List.of(PriceCause.INITIAL), again.points().get(13).causes().listed());
            assertEquals(1, again.oldestRetainedVersion());
            assertEquals(seen.get(0).clearedAt(), again.oldestRetainedAt());
            // pages of 4 from the record across the window into memory add up to the whole, and each resumes
            // where the last stopped (including across the restart)
            List<PricePoint> paged = new ArrayList<>();
            long from = 0;
            while (true) {
                List<PricePoint> page = two.oracle().priceHistory(origin, classId, null, from, 5).points();
                paged.addAll(page.subList(0, Math.min(4, page.size())));
                if (page.size() < 5) {
                    break;
                }
                from = page.get(4).version();
            }
            assertEquals(again.points(), paged);
            // since reaches into the record too
            assertEquals(seen.subList(5, 13), two.oracle().priceHistory(origin, classId, seen.get(5).clearedAt())
                    .points().subList(0, 8));

            // and a clean stop keeps them as well
            seen.addAll(List.of(again.points().get(13)));
            seen.addAll(updates(two.oracle(), 100));
            exported = two.oracle().settlements(0, 0);
        } finally {
            two.oracle().close();
        }
        Running three = start(dir, KEEP_ALL);
        try {
            List<SettlementRecord> after = three.oracle().settlements(0, 0);
            assertEquals(exported.subList(0, exported.size() - 1), after.subList(0, exported.size() - 1));
            assertEquals(seen, three.oracle().priceHistory(origin, classId, null).points().subList(0, seen.size()));
            // an export from just past the current version is empty, not an error
            assertEquals(List.of(), three.oracle().settlements(three.oracle().state().version() + 1, 0));
        } finally {
            three.oracle().close();
        }
    }

    @Test
    void anExportByTimeFindsTheVersionInForceInTheRecord(@TempDir Path dir) throws Exception {
        Running one = start(dir, KEEP_ALL);
        try {
            updates(one.oracle(), 0);
            List<SettlementRecord> all = one.oracle().settlements(0, 0);
            SettlementRecord third = all.get(2);
            java.time.Instant during = third.clearedAt().plusNanos(
                    java.time.Duration.between(third.clearedAt(), third.supersededAt().orElseThrow()).toNanos() / 2);
            assertEquals(third.version(), one.oracle().versionInForceAt(during));
            assertEquals(third.version(), one.oracle().versionInForceAt(third.clearedAt()));
            assertEquals(all.get(0).version(), one.oracle().versionInForceAt(java.time.Instant.EPOCH));
            SettlementRecord last = all.get(all.size() - 1);
            assertEquals(last.version(), one.oracle().versionInForceAt(last.clearedAt().plusSeconds(3600)));
        } finally {
            one.oracle().close();
        }
    }

    @Test
    void versionsNoLongerRetainedAreOutOfRangeNamingTheOldestRetained(@TempDir Path dir) throws Exception {
        Running one = start(dir, KEEP_ALL);
        updates(one.oracle(), 0);
        one.oracle().close();
        // keep just one version: the restart's first clear drops every older segment
        Running two = start(dir, new MarketRecord.Retention(1, null));
        try {
            long current = two.oracle().state().version();
            VersionOutOfRangeException e = assertThrows(VersionOutOfRangeException.class,
                    () -> two.oracle().settlements(5, 0));
            assertEquals("from_version 5 is no longer retained; versions " + current + " to " + current
                    + " are retained", e.getMessage());
            assertEquals(List.of(current), two.oracle().settlements(0, 0).stream().map(SettlementRecord::version)
                    .toList());
            OriginPriceHistory h = two.oracle().priceHistory(origin, classId, null);
            assertEquals(current, h.oldestRetainedVersion());
            assertEquals(List.of(current), h.points().stream().map(PricePoint::version).toList());
        } finally {
            two.oracle().close();
        }
    }

    @Test
    void aVersionTheRecordCannotWriteIsNotPublished(@TempDir Path dir) throws Exception {
        // 16 versions a segment: the 17th needs a new file, in a directory that is gone by then
        Running one = start(dir, new MarketRecord.Retention(16, null));
        try {
            for (int i = 0; i < 15; i++) {
                UpdateReceipt r = one.oracle().submit(List.of(new CapacityUpdate(node, classId, 400 + i)));
                one.oracle().whenCleared(r.version()).get(20, TimeUnit.SECONDS);
            }
            assertEquals(16, one.oracle().state().version());
            try (Stream<Path> files = Files.walk(dir.resolve("record"))) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            UpdateReceipt r = one.oracle().submit(List.of(new CapacityUpdate(node, classId, 999)));
            assertEquals(17, r.version(), "the update itself is journaled and acknowledged");
            Exception e = assertThrows(Exception.class, () -> one.oracle().whenCleared(17).get(20, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof ReclearFailedException f && f.reason() == ReclearFailedException.Reason.RECORD
                    && f.getMessage().contains("cannot be written") && f.getMessage().contains("no version is published"),
                    String.valueOf(e.getCause()));
            MarketState state = one.oracle().state();
            assertEquals(16, state.version(), "a version not on disk is never served");
            assertTrue(state.stale() && state.staleness().orElseThrow().reason().contains("market record"),
                    state.staleness().toString());
        } finally {
            one.oracle().close();
        }
    }
}
