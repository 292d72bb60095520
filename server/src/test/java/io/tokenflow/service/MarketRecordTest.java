package io.tokenflow.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.clearing.SettlementLedger;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.market.solution.SettlementStatement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The market record on its own: every version's settlement and prices read back bit for bit, whether
 * stored full or as changes, across segments and reopening; retention and its OUT_OF_RANGE.
 */
class MarketRecordTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.000000001Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    /** One published version as the leader would record it. */
    private record Version(long version, Instant clearedAt, Scenario scenario, ClearingResult result,
            SettlementStatement statement, VersionCauses causes) {}

    private static final List<Version> VERSIONS = new ArrayList<>();

    /** 41 versions of the twenty-node market (every kind of line moves, some versions move nothing). */
    @BeforeAll
    static void clearVersions() {
        Scenario scenario = LeaderOracle.withDefaultPenalty(EmbeddedScenarios.get("twenty-node"), 1000);
        SplittableRandom random = new SplittableRandom(15);
        try (WarmClearingEngine engine = new WarmClearingEngine(scenario, SolverKind.GLOP, Duration.ofSeconds(30))) {
            ClearingResult result = engine.applyAndClear(List.of());
            add(1, engine.scenario(), result, VersionCauses.INITIAL);
            long version = 1;
            for (int i = 0; i < 40; i++) {
                Scenario before = engine.scenario();
                List<MarketUpdate> updates = List.of(update(before, random));
                result = engine.applyAndClear(updates);
                version += 1 + (i % 9 == 4 ? 1 : 0); // a skipped version now and then, as after a failed re-clear
                add(version, engine.scenario(), result, VersionCauses.of(updates, before));
            }
        }
    }

    private static void add(long version, Scenario scenario, ClearingResult result, VersionCauses causes) {
        VERSIONS.add(new Version(version, T0.plusMillis(version * 1500).plusNanos(version), scenario, result,
                SettlementLedger.statement(scenario, result), causes));
    }

    private static MarketUpdate update(Scenario s, SplittableRandom random) {
        switch (random.nextInt(3)) {
            case 0 -> {
                ComputeNode n = s.nodes().get(random.nextInt(s.nodes().size()));
                WorkloadClass k = s.classes().get(random.nextInt(s.classes().size()));
                return new MarketUpdate.CapacityUpdate(n.id(), k.id(), n.capacityOf(k.id()) * (0.3 + random.nextDouble()));
            }
            case 1 -> {
                Demand d = s.demand().get(random.nextInt(s.demand().size()));
                return new MarketUpdate.DemandUpdate(d.origin(), d.classId(), d.tokensPerSecond() * (0.5 + random.nextDouble()));
            }
            default -> {
                ComputeNode n = s.nodes().get(random.nextInt(s.nodes().size()));
                return new MarketUpdate.ElectricityPriceUpdate(n.id(), n.electricityPricePerKwh() * (0.5 + random.nextDouble()));
            }
        }
    }

    private static void append(MarketRecord record, List<Version> versions) {
        for (Version v : versions) {
            record.append(v.version(), v.clearedAt(), v.scenario(), v.result(), v.statement(), v.causes());
        }
    }

    /** What an export of {@code versions} must say: superseded at the next one's clear, the last one current. */
    private static List<SettlementRecord> expected(List<Version> versions) {
        List<SettlementRecord> out = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            Version v = versions.get(i);
            out.add(new SettlementRecord(v.version(), v.clearedAt(), i + 1 < versions.size()
                    ? Optional.of(versions.get(i + 1).clearedAt()) : Optional.empty(), v.statement()));
        }
        return out;
    }

    private static List<SettlementRecord> read(MarketRecord record, long first, long last, long published) {
        List<SettlementRecord> out = new ArrayList<>();
        try (SettlementStream s = record.settlements(first, last, published)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    /** The same versions through the in-memory history, which the record must agree with point for point. */
    private static PriceHistory inMemory(List<Version> versions) {
        PriceHistory history = new PriceHistory(10_000);
        versions.forEach(v -> history.add(v.version(), v.clearedAt(), v.scenario(), v.result(), v.causes()));
        return history;
    }

    private static long newest() {
        return VERSIONS.get(VERSIONS.size() - 1).version();
    }

    @Test
    void everyVersionReadsBackBitForBitFullOrAsChangesAcrossSegmentsAndReopening(@TempDir Path dir)
            throws IOException {
        MarketRecord.Retention keepAll = new MarketRecord.Retention(1_000_000, null);
        assertEquals(1024, keepAll.versionsPerSegment());
        MarketRecord.Retention shortSegments = new MarketRecord.Retention(64, null); // 16 versions a segment
        List<Version> before = VERSIONS.subList(0, 30);
        List<Version> after = VERSIONS.subList(30, VERSIONS.size());
        try (MarketRecord record = MarketRecord.open(dir, shortSegments, CLOCK)) {
            append(record, before);
            assertEquals(2, record.segments());
            assertEquals(expected(before), read(record, 1, before.get(29).version(), before.get(29).version()));
        }
        try (MarketRecord record = MarketRecord.open(dir, shortSegments, CLOCK)) {
            assertEquals(before.get(29).version(), record.newestVersion());
            append(record, after); // a new segment: the reopened record starts with a full record
            assertEquals(3, record.segments());
            List<SettlementRecord> all = read(record, 1, newest(), newest());
            assertEquals(expected(VERSIONS), all, "every line, total and time, bit for bit");
            for (SettlementRecord r : all) {
                assertTrue(r.statement().payments().size() > 10 && !r.statement().network().isEmpty(),
                        "a market with lines of every kind");
            }
            // a part of it, from the middle of a segment, ending before the newest
            long from = VERSIONS.get(20).version();
            long to = VERSIONS.get(33).version();
            assertEquals(expected(VERSIONS).subList(20, 34), read(record, from, to, newest()));
            // a version recorded but not yet published is not an end of the one before it
            assertEquals(Optional.empty(), read(record, to, to, to).get(0).supersededAt());

            PriceHistory memory = inMemory(VERSIONS);
            for (NodePrice p : VERSIONS.get(0).result().prices()) {
                List<PricePoint> want = memory.points(p.node(), p.classId(), null).orElseThrow().points();
                assertEquals(want, record.points(p.node(), p.classId(), null, Long.MAX_VALUE),
                        p.node() + "/" + p.classId());
            }
            String origin = VERSIONS.get(0).result().prices().get(5).node();
            String classId = VERSIONS.get(0).result().prices().get(5).classId();
            Instant since = VERSIONS.get(17).clearedAt();
            assertEquals(memory.points(origin, classId, since).orElseThrow().points().subList(0, 10),
                    record.points(origin, classId, since, VERSIONS.get(27).version()), "since and before");
            assertEquals(List.of(), record.points("atlantis", classId, null, Long.MAX_VALUE));
        }
    }

    @Test
    void changeRecordsAreSmallAndVersionsThatMoveNothingCostAlmostNothing(@TempDir Path dir) throws IOException {
        try (MarketRecord record = MarketRecord.open(dir, new MarketRecord.Retention(1_000_000, null), CLOCK)) {
            append(record, VERSIONS.subList(0, 1));
            long full = record.bytes();
            append(record, VERSIONS.subList(1, VERSIONS.size()));
            double change = (double) (record.bytes() - full) / (VERSIONS.size() - 1);
            assertTrue(change < full / 4.0, "a change record averages " + change + " bytes, a full one " + full);
            Version last = VERSIONS.get(VERSIONS.size() - 1);
            long before = record.bytes();
            record.append(last.version() + 1, last.clearedAt().plusSeconds(1), last.scenario(), last.result(),
                    last.statement(), last.causes());
            assertTrue(record.bytes() - before < 300, "a version that moves nothing: " + (record.bytes() - before)
                    + " bytes");
        }
    }

    @Test
    void aStatementOutOfKeyOrderIsRecordedFullAndKeepsItsOrder(@TempDir Path dir) throws IOException {
        Version v = VERSIONS.get(3);
        List<SettlementStatement.Payment> reversed = new ArrayList<>(v.statement().payments());
        Collections.reverse(reversed);
        SettlementStatement shuffled = new SettlementStatement(reversed, v.statement().compute(),
                v.statement().network(), v.statement().totals());
        try (MarketRecord record = MarketRecord.open(dir, new MarketRecord.Retention(1000, null), CLOCK)) {
            append(record, VERSIONS.subList(0, 3));
            long before = record.segments();
            record.append(v.version(), v.clearedAt(), v.scenario(), v.result(), shuffled, v.causes());
            assertEquals(before + 1, record.segments(), "out of key order: a full record, so a new segment");
            Version next = VERSIONS.get(4);
            record.append(next.version(), next.clearedAt(), next.scenario(), next.result(), next.statement(),
                    next.causes());
            List<SettlementRecord> got = read(record, v.version(), next.version(), next.version());
            assertEquals(reversed, got.get(0).statement().payments());
            assertEquals(next.statement(), got.get(1).statement(), "and the change after it applies to it");
        }
    }

    @Test
    void retentionDropsWholeSegmentsAndAReadFromBeforeThemIsOutOfRange(@TempDir Path dir) throws IOException {
        // 16 versions a segment; keep the versions above newest - 20
        try (MarketRecord record = MarketRecord.open(dir, new MarketRecord.Retention(20, null), CLOCK)) {
            append(record, VERSIONS);
            long oldest = record.oldestVersion();
            assertTrue(oldest > 1 && oldest <= newest() - 19, "oldest retained " + oldest);
            List<SettlementRecord> kept = read(record, oldest, newest(), newest());
            assertEquals(oldest, kept.get(0).version());
            VersionOutOfRangeException e = assertThrows(VersionOutOfRangeException.class,
                    () -> read(record, 1, newest(), newest()));
            assertEquals("from_version 1 is no longer retained; versions " + oldest + " to " + newest()
                    + " are retained", e.getMessage());
            assertEquals(oldest, record.points(VERSIONS.get(0).result().prices().get(0).node(),
                    VERSIONS.get(0).result().prices().get(0).classId(), null, Long.MAX_VALUE).get(0).version());
        }
        // and by age: everything cleared more than 10 s before the clock is dropped but the open segment
        Path other = dir.resolve("by-age");
        Clock late = Clock.fixed(VERSIONS.get(VERSIONS.size() - 1).clearedAt(), ZoneOffset.UTC);
        // one segment per version here: each open() starts a segment with its first record
        for (Version v : VERSIONS.subList(0, 12)) {
            try (MarketRecord record = MarketRecord.open(other, new MarketRecord.Retention(1_000_000,
                    Duration.ofSeconds(10)), late)) {
                append(record, List.of(v));
            }
        }
        try (Stream<Path> files = Files.list(other)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("record-")).count(),
                    "every version is far older than 10 s before the clock: only the open segment is left");
        }
    }

    @Test
    void retentionNeedsAVersionAndAPositiveAge() {
        assertEquals("record retention must keep >= 1 version, got 0",
                assertThrows(IllegalArgumentException.class, () -> new MarketRecord.Retention(0, null)).getMessage());
        assertEquals("record retention age must be > 0, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> new MarketRecord.Retention(1, Duration.ZERO)).getMessage());
        assertFalse(new MarketRecord.Retention(8, null).versionsPerSegment() < 16, "at least 16 versions a segment");
    }
}
