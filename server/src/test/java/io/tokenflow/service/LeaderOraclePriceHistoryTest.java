package io.tokenflow.service;

import static io.tokenflow.service.LeaderOracleTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.MarketUpdate.ElectricityPriceUpdate;
import io.tokenflow.market.model.MarketUpdate.LinkCapacityUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.UnknownIdException;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.NodePrice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PriceHistory on the live oracle: one point per published version, priced as Quote was, with its causes. */
class LeaderOraclePriceHistoryTest {
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    /** Each reading is one second after the last, so every version has its own, later clear time. */
    static final class SteppingClock extends Clock {
        private final AtomicLong readings = new AtomicLong();

        @Override
        public Instant instant() {
            return START.plusSeconds(readings.getAndIncrement());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private final AtomicReference<ControllableEngine> engine = new AtomicReference<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private LeaderOracle oracle;

    private LeaderOracle start(OracleConfig.Builder config) {
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"), config.clock(new SteppingClock())
                .retryDelay(Duration.ofMillis(20)).breakerOpenFor(Duration.ofMillis(200)).build(), meters,
                ControllableEngine.factory(engine));
        return oracle;
    }

    @AfterEach
    void close() {
        if (oracle != null) {
            oracle.close();
        }
    }

    private MarketState cleared(MarketUpdate... updates) throws Exception {
        return oracle.whenCleared(oracle.submit(List.of(updates)).version()).get(20, TimeUnit.SECONDS);
    }

    private Scenario scenario() {
        return oracle.state().snapshot().scenario();
    }

    private static void assertPricedAsQuoted(Quote quote, PricePoint point) {
        NodePrice p = quote.price();
        assertEquals(quote.state().version(), point.version());
        assertEquals(quote.state().snapshot().clearedAt(), point.clearedAt());
        assertEquals(p.price(), point.price());
        assertEquals(p.energy(), point.energy());
        assertEquals(p.scarcity(), point.scarcity());
        assertEquals(p.routing(), point.routing());
        assertEquals(p.congestion(), point.congestion());
        assertEquals(p.unservedPenalty(), point.unservedPenalty());
        assertEquals(p.servingNode(), point.servingNode());
    }

    private static List<Long> versions(OriginPriceHistory history) {
        return history.points().stream().map(PricePoint::version).toList();
    }

    @Test
    void everyVersionKeepsThePriceQuoteGaveAndTheUpdateThatMadeIt() throws Exception {
        start(OracleConfig.builder());
        List<String> origins = List.of("dallas", "silicon-valley", "seattle");
        List<List<Quote>> quotes = new ArrayList<>(); // [version - 1][origin]
        quotes.add(origins.stream().map(o -> oracle.quote(o, "image")).toList());

        double capacity = scenario().node("dallas").capacityOf("image");
        assertTrue(capacity > 0, "five-node dallas serves image");
        cleared(new CapacityUpdate("dallas", "image", capacity / 2));
        quotes.add(origins.stream().map(o -> oracle.quote(o, "image")).toList());
        double electricity = scenario().node("dallas").electricityPricePerKwh();
        cleared(new ElectricityPriceUpdate("dallas", 0.25));
        quotes.add(origins.stream().map(o -> oracle.quote(o, "image")).toList());
        assertNotEquals(quotes.get(0).get(0).price().price(), quotes.get(2).get(0).price().price(),
                "the updates move dallas/image, so the history has something to show");

        for (int o = 0; o < origins.size(); o++) {
            OriginPriceHistory history = oracle.priceHistory(origins.get(o), "image", null);
            assertEquals(origins.get(o), history.origin());
            assertEquals("image", history.classId());
            assertEquals(List.of(1L, 2L, 3L), versions(history));
            for (int v = 0; v < 3; v++) {
                assertPricedAsQuoted(quotes.get(v).get(o), history.points().get(v));
            }
            for (int v = 1; v < 3; v++) {
                assertTrue(history.points().get(v).clearedAt().isAfter(history.points().get(v - 1).clearedAt()));
            }
            assertEquals(1, history.oldestRetainedVersion());
            assertEquals(quotes.get(0).get(o).state().snapshot().clearedAt(), history.oldestRetainedAt());
        }

        List<PricePoint> points = oracle.priceHistory("dallas", "image", null).points();
        assertEquals(new VersionCauses(List.of(new PriceCause(PriceCause.Kind.INITIAL, "", 0, 0, "")), 0),
                points.get(0).causes());
        assertEquals("initial", points.get(0).causes().summary());
        assertEquals(List.of(new PriceCause(PriceCause.Kind.CAPACITY, "dallas/image", capacity, capacity / 2,
                "tokens/s")), points.get(1).causes().listed());
        assertEquals("capacity dallas/image " + plain(capacity) + " -> " + plain(capacity / 2) + " tokens/s",
                points.get(1).causes().summary());
        assertEquals(List.of(new PriceCause(PriceCause.Kind.ELECTRICITY_PRICE, "dallas", electricity, 0.25, "$/kWh")),
                points.get(2).causes().listed());
        assertEquals("electricity_price dallas " + plain(electricity) + " -> 0.25 $/kWh",
                points.get(2).causes().summary());
        assertEquals(0, points.get(2).causes().omitted());
    }

    private static String plain(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    @Test
    void sinceKeepsTheVersionsClearedAtOrAfterIt() throws Exception {
        start(OracleConfig.builder());
        cleared(new DemandUpdate("dallas", "chat", 1000));
        cleared(new DemandUpdate("dallas", "chat", 2000));
        List<PricePoint> all = oracle.priceHistory("chicago", "chat", null).points();
        assertEquals(3, all.size());
        Instant second = all.get(1).clearedAt();
        assertEquals(List.of(2L, 3L), versions(oracle.priceHistory("chicago", "chat", second)));
        assertEquals(List.of(3L), versions(oracle.priceHistory("chicago", "chat", second.plusNanos(1))));
        assertEquals(List.of(1L, 2L, 3L), versions(oracle.priceHistory("chicago", "chat", Instant.EPOCH)));
        OriginPriceHistory none = oracle.priceHistory("chicago", "chat", all.get(2).clearedAt().plusSeconds(60));
        assertEquals(List.of(), none.points(), "nothing cleared since");
        assertEquals(1, none.oldestRetainedVersion(), "but the caller still learns what is retained");
        assertEquals(all.get(0).clearedAt(), none.oldestRetainedAt());
    }

    @Test
    void theBoundDropsTheOldestVersions() throws Exception {
        start(OracleConfig.builder().priceHistory(2));
        cleared(new DemandUpdate("dallas", "chat", 1000));
        assertEquals(List.of(1L, 2L), versions(oracle.priceHistory("dallas", "chat", null)));
        MarketState third = cleared(new DemandUpdate("dallas", "chat", 2000));
        OriginPriceHistory history = oracle.priceHistory("dallas", "chat", null);
        assertEquals(List.of(2L, 3L), versions(history), "only the last two are retained");
        assertEquals(2, history.oldestRetainedVersion());
        assertEquals(history.points().get(0).clearedAt(), history.oldestRetainedAt());
        assertEquals(third.snapshot().clearedAt(), history.points().get(1).clearedAt());
        assertEquals(List.of(new PriceCause(PriceCause.Kind.DEMAND, "dallas/chat", 1000, 2000, "tokens/s")),
                history.points().get(1).causes().listed());
    }

    @Test
    void aCoalescedVersionListsTheUpdatesOfEveryCall() throws Exception {
        start(OracleConfig.builder());
        Scenario before = scenario();
        double chat = before.node("dallas").capacityOf("chat");
        double seattleImage = before.demandTable()[before.nodeIndex("seattle")][before.classIndex("image")];
        engine.get().hold();
        assertEquals(2, oracle.submit(List.of(new DemandUpdate("chicago", "batch", 7))).version());
        await("version 2 is being cleared", () -> engine.get().batches().size() == 2);
        oracle.submit(List.of(new CapacityUpdate("dallas", "chat", 4_000_000)));
        oracle.submit(List.of(new DemandUpdate("seattle", "image", 100_000)));
        // the same value again in a later call: it replaced what the earlier call of this version set
        long last = oracle.submit(List.of(new CapacityUpdate("dallas", "chat", 3_000_000))).version();
        assertEquals(3, last);
        engine.get().open();
        oracle.whenCleared(3).get(20, TimeUnit.SECONDS);

        PricePoint v3 = oracle.priceHistory("dallas", "chat", null).points().get(2);
        assertEquals(3, v3.version());
        assertEquals(List.of(
                new PriceCause(PriceCause.Kind.CAPACITY, "dallas/chat", chat, 4_000_000, "tokens/s"),
                new PriceCause(PriceCause.Kind.DEMAND, "seattle/image", seattleImage, 100_000, "tokens/s"),
                new PriceCause(PriceCause.Kind.CAPACITY, "dallas/chat", 4_000_000, 3_000_000, "tokens/s")),
                v3.causes().listed());
        assertEquals(0, v3.causes().omitted());
        assertEquals("3 updates: capacity dallas/chat " + plain(chat) + " -> 4000000 tokens/s, demand seattle/image "
                + plain(seattleImage) + " -> 100000 tokens/s, capacity dallas/chat 4000000 -> 3000000 tokens/s",
                v3.causes().summary());
        assertEquals(List.of(new PriceCause(PriceCause.Kind.DEMAND, "chicago/batch",
                before.demandTable()[before.nodeIndex("chicago")][before.classIndex("batch")], 7, "tokens/s")),
                oracle.priceHistory("dallas", "chat", null).points().get(1).causes().listed());
    }

    @Test
    void aFailedReclearAddsNoPointAndTheRetryThatSucceedsCarriesEveryCause() throws Exception {
        start(OracleConfig.builder());
        double seattleImage = scenario().node("seattle").capacityOf("image");
        engine.get().setFailing(true);
        engine.get().hold(); // the waiter is registered before the first attempt fails
        UpdateReceipt first = oracle.submit(List.of(new CapacityUpdate("seattle", "image", 0)));
        var cleared = oracle.whenCleared(first.version());
        engine.get().open();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> cleared.get(20, TimeUnit.SECONDS));
        assertInstanceOf(ReclearFailedException.class, failed.getCause());
        assertEquals(List.of(1L), versions(oracle.priceHistory("seattle", "image", null)), "a failure publishes nothing");

        // accepted while the retries keep failing: the clear that finally succeeds covers both calls
        var link = scenario().links().get(0);
        oracle.submit(List.of(new LinkCapacityUpdate(link.from(), link.to(), 40)));
        assertEquals(List.of(1L), versions(oracle.priceHistory("seattle", "image", null)));
        engine.get().setFailing(false);
        await("the retry publishes", () -> !oracle.state().stale() && oracle.state().version() >= 2);
        OriginPriceHistory history = oracle.priceHistory("seattle", "image", null);
        assertEquals(2, history.points().size(), "one point for the whole retried batch: " + versions(history));
        PricePoint recovered = history.points().get(1);
        assertEquals(oracle.state().version(), recovered.version());
        assertEquals(List.of(
                new PriceCause(PriceCause.Kind.CAPACITY, "seattle/image", seattleImage, 0, "tokens/s"),
                new PriceCause(PriceCause.Kind.LINK_CAPACITY, link.label(), link.capacityGbps(), 40, "Gbps")),
                recovered.causes().listed());
        assertEquals(oracle.quote("seattle", "image").price().price(), recovered.price());
    }

    @Test
    void unknownOriginOrClassFailsAsQuoteDoes() {
        start(OracleConfig.builder());
        assertEquals("unknown node 'atlantis'", assertThrows(UnknownIdException.class,
                () -> oracle.priceHistory("atlantis", "chat", null)).getMessage());
        assertEquals("unknown class 'video'", assertThrows(UnknownIdException.class,
                () -> oracle.priceHistory("dallas", "video", null)).getMessage());
        assertEquals("price history must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> OracleConfig.builder().priceHistory(0).build()).getMessage());
    }

    @Test
    void aHugeVersionListsTheFirstHundredCausesAndCountsTheRest() {
        Scenario five = EmbeddedScenarios.get("five-node");
        List<MarketUpdate> updates = new ArrayList<>();
        for (int i = 1; i <= 150; i++) {
            updates.add(new DemandUpdate("dallas", "chat", i));
        }
        VersionCauses causes = VersionCauses.of(updates, five);
        assertEquals(VersionCauses.MAX_LISTED, causes.listed().size());
        assertEquals(50, causes.omitted());
        assertEquals(150, causes.count());
        assertEquals(new PriceCause(PriceCause.Kind.DEMAND, "dallas/chat", 99, 100, "tokens/s"), causes.listed().get(99));
        assertTrue(causes.summary().startsWith("150 updates: demand dallas/chat "), causes.summary());
        assertTrue(causes.summary().endsWith(", demand dallas/chat 2 -> 3 tokens/s, ..."), causes.summary());
        assertEquals("a capacity cause is in 'tokens/s', got 'Gbps'", assertThrows(IllegalArgumentException.class,
                () -> new PriceCause(PriceCause.Kind.CAPACITY, "dallas/chat", 0, 1, "Gbps")).getMessage());
    }
}
