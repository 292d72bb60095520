package io.tokenflow.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.UnknownIdException;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.DeliverySite;
import io.tokenflow.market.solution.ServingShare;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read side: answers from the published version (quotes, routes, sites, settlements) on a live
 * leader publishing into it, and the publishing contract itself (waits, listeners, staleness) on a
 * market published into by hand.
 */
class PublishedMarketTest {
    private static final Instant T1 = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant T2 = Instant.parse("2026-03-01T12:00:05Z");

    private final AtomicReference<ControllableEngine> engine = new AtomicReference<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private LeaderOracle oracle;

    private LeaderOracle start(Scenario scenario, OracleConfig config) {
        oracle = LeaderOracle.start(scenario, config, meters, ControllableEngine.factory(engine));
        return oracle;
    }

    private LeaderOracle startFiveNode() {
        return start(EmbeddedScenarios.get("five-node"), fastRetries().build());
    }

    private static OracleConfig.Builder fastRetries() {
        return OracleConfig.builder().retryDelay(Duration.ofMillis(20)).breakerOpenFor(Duration.ofMillis(200));
    }

    @AfterEach
    void close() {
        if (oracle != null) {
            oracle.close();
        }
    }

    /** A market nobody but the test publishes into, and a cleared five-node version to publish. */
    private record ByHand(PublishedMarket market, Scenario scenario, ClearingResult result) {
        static ByHand fiveNode(String noVersionYet) {
            Scenario scenario = LeaderOracle.withDefaultPenalty(EmbeddedScenarios.get("five-node"), 1000);
            return new ByHand(new PublishedMarket(OracleConfig.builder().build(), new SimpleMeterRegistry(),
                    noVersionYet), scenario, MarketClearing.clearOnce(scenario, SolverKind.GLOP));
        }

        void publish(long version, Instant at) {
            market.publish(version, at, scenario, result, VersionCauses.LEADER);
        }
    }

    @Test
    void routeAnswersFollowTheClearedSplitWithinTwoPercentagePoints() {
        start(EmbeddedScenarios.get("twenty-node"), fastRetries().build());
        MarketSnapshot snapshot = oracle.state().snapshot();
        int checked = 0;
        for (var cls : snapshot.scenario().classes()) {
            for (Map.Entry<String, List<ServingShare>> e : oracle.servingSplit(snapshot, cls.id()).entrySet()) {
                if (e.getValue().size() < 2) {
                    continue;
                }
                Map<String, Integer> counts = new HashMap<>();
                for (int i = 0; i < 10_000; i++) {
                    RouteDecision d = oracle.route(e.getKey(), cls.id(), "req-" + i, List.of());
                    assertEquals(RouteDecision.Reason.CLEARED_SPLIT, d.reason());
                    counts.merge(d.site().orElseThrow(), 1, Integer::sum);
                }
                for (ServingShare share : e.getValue()) {
                    assertEquals(share.share(), counts.getOrDefault(share.site(), 0) / 10_000.0, 0.02,
                            e.getKey() + "/" + cls.id() + " to " + share.site());
                }
                checked++;
            }
        }
        assertTrue(checked > 0, "twenty-node has origins whose demand is split over several sites");
        RouteDecision once = oracle.route("dallas", "chat", "the-same-id", List.of());
        for (int i = 0; i < 10; i++) {
            assertEquals(once.site(), oracle.route("dallas", "chat", "the-same-id", List.of()).site());
            assertEquals(once.latencyMs(), oracle.route("dallas", "chat", "the-same-id", List.of()).latencyMs());
        }
    }

    @Test
    void routeWithExclusionsTakesTheCheapestRemainingSiteByDeliveredCost() {
        startFiveNode();
        List<SiteOffer> sites = oracle.feasibleSites("silicon-valley", "image").sites();
        assertTrue(sites.size() >= 3, sites.toString());
        DeliverySite cheapest = sites.get(0).site();
        assertEquals(oracle.quote("silicon-valley", "image").price().price(), cheapest.deliveredCost(), 1e-9,
                "the cheapest site delivers at the quote");
        RouteDecision failover = oracle.route("silicon-valley", "image", "r1", List.of(cheapest.node()));
        assertEquals(RouteDecision.Reason.CHEAPEST_REMAINING, failover.reason());
        // a full site (no spare capacity in the cleared market) would only queue what is rerouted to it
        DeliverySite roomy = sites.stream().skip(1).map(SiteOffer::site).filter(DeliverySite::hasSpareCapacity)
                .findFirst().orElseThrow();
        assertTrue(sites.get(1).site().deliveredCost() <= roomy.deliveredCost());
        assertEquals(Optional.of(roomy.node()), failover.site());
        assertEquals(roomy.deliveredCost(), failover.deliveredCost());
        assertEquals(roomy.latencyMs(), failover.latencyMs());
        List<String> roomyOnes = sites.stream().map(SiteOffer::site).filter(DeliverySite::hasSpareCapacity)
                .map(DeliverySite::node).toList();
        RouteDecision full = oracle.route("silicon-valley", "image", "r1", roomyOnes);
        assertEquals(RouteDecision.Reason.UNSERVED, full.reason(), "sites remain, but none with room: shed");
        assertEquals(Optional.empty(), full.site());
        assertEquals(Optional.of(UnservedHint.QUEUE), full.hint(), "image has no latency limit");
        List<String> all = sites.stream().map(s -> s.site().node()).toList();
        NoFeasibleSiteException none = assertThrows(NoFeasibleSiteException.class,
                () -> oracle.route("silicon-valley", "image", "r1", all));
        assertTrue(none.getMessage().startsWith("no feasible site for origin 'silicon-valley' class 'image' remains"),
                none.getMessage());
        assertEquals("unknown node 'atlantis'", assertThrows(UnknownIdException.class,
                () -> oracle.route("silicon-valley", "image", "r1", List.of("atlantis"))).getMessage());
        assertEquals("request_id must not be empty", assertThrows(IllegalArgumentException.class,
                () -> oracle.route("silicon-valley", "image", "", List.of())).getMessage());
    }

    @Test
    void settlementRecordsCoverEachVersionUntilTheNextOne() throws Exception {
        start(EmbeddedScenarios.get("five-node"), fastRetries().settlementHistory(2).build());
        oracle.whenCleared(oracle.submit(List.of(new DemandUpdate("dallas", "chat", 1))).version()).get(20, TimeUnit.SECONDS);
        List<SettlementRecord> both = oracle.settlements(0, 0);
        assertEquals(List.of(1L, 2L), both.stream().map(SettlementRecord::version).toList());
        assertEquals(both.get(1).clearedAt(), both.get(0).supersededAt().orElseThrow());
        assertTrue(both.get(1).supersededAt().isEmpty());
        oracle.whenCleared(oracle.submit(List.of(new DemandUpdate("dallas", "chat", 2))).version()).get(20, TimeUnit.SECONDS);
        assertEquals(List.of(2L, 3L), oracle.settlements(0, 0).stream().map(SettlementRecord::version).toList(),
                "only the last two are retained");
        assertEquals("from_version 1 is no longer retained; versions 2 to 3 are retained",
                assertThrows(VersionOutOfRangeException.class, () -> oracle.settlements(1, 3)).getMessage());
        assertEquals("to_version 9 is not cleared yet; versions 2 to 3 are retained",
                assertThrows(VersionOutOfRangeException.class, () -> oracle.settlements(0, 9)).getMessage());
        assertEquals("from_version 3 is after to_version 2",
                assertThrows(IllegalArgumentException.class, () -> oracle.settlements(3, 2)).getMessage());
        SettlementRecord current = oracle.settlements(3, 3).get(0);
        assertEquals(oracle.state().snapshot().result().settlement().orElseThrow(), current.statement().totals());
        // by time: what was in force before version 2 (version 1) is gone, named with what is retained
        SettlementRecord second = oracle.settlements(2, 2).get(0);
        VersionOutOfRangeException gone = assertThrows(VersionOutOfRangeException.class,
                () -> oracle.versionInForceAt(second.clearedAt().minusNanos(1)));
        assertTrue(gone.getMessage().startsWith("from_time ") && gone.getMessage().contains(
                "is before the oldest retained version 2") && gone.getMessage().endsWith("versions 2 to 3 are retained"),
                gone.getMessage());
        assertEquals(2, oracle.versionInForceAt(second.clearedAt()));
        assertEquals(3, oracle.versionInForceAt(current.clearedAt().plusSeconds(60)));
    }

    @Test
    void readersNeverSeeAVersionGoBackWhileUpdatesStreamIn() throws Exception {
        startFiveNode();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(3);
        List<java.util.Set<Long>> seen = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            java.util.Set<Long> versions = new java.util.HashSet<>();
            seen.add(versions);
            Thread reader = new Thread(() -> {
                long last = 0;
                try {
                    // read until the last update is cleared (and once more), so reads overlap every publish
                    for (int i = 0; i == 0 || !done.get() || i % 100 != 0; i++) {
                        Quote q = oracle.quote("chicago", "code");
                        RouteDecision r = oracle.route("chicago", "code", "id" + i, List.of());
                        assertTrue(q.state().version() >= last && r.state().version() >= q.state().version());
                        last = r.state().version();
                        versions.add(last);
                        if (i == 0) {
                            reading.countDown();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            readers.add(reader);
            reader.start();
        }
        reading.await(20, TimeUnit.SECONDS);
        long version = 0;
        for (int i = 0; i < 30; i++) {
            version = oracle.submit(List.of(new CapacityUpdate("dallas", "code", 3_000_000 + 10_000 * i))).version();
        }
        oracle.whenCleared(version).get(20, TimeUnit.SECONDS);
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        assertSame(null, failure.get());
        for (java.util.Set<Long> versions : seen) {
            assertTrue(versions.contains(1L) && versions.contains(version),
                    "each reader read from the first version to the last: " + versions);
        }
        assertEquals(3_290_000, oracle.state().snapshot().scenario().node("dallas").capacityOf("code"),
                "the last update wins");
    }

    @Test
    void beforeTheFirstVersionEveryReadFailsWithTheGivenReason() {
        PublishedMarket market = ByHand.fiveNode("no version from leader.example:50051 yet").market();
        assertFalse(market.ready());
        for (Runnable read : List.<Runnable>of(market::state, () -> market.quote("dallas", "chat"),
                () -> market.feasibleSites("dallas", "chat"), () -> market.route("dallas", "chat", "r", List.of()),
                () -> market.priceHistory("dallas", "chat", null))) {
            assertEquals("no version from leader.example:50051 yet",
                    assertThrows(OracleUnavailableException.class, read::run).getMessage());
        }
    }

    @Test
    void aPublishedVersionCompletesTheWaitsItCoversAndTellsTheListeners() {
        ByHand hand = ByHand.fiveNode("none yet");
        List<MarketState> heard = new ArrayList<>();
        hand.market().subscribe(s -> {
            throw new IllegalStateException("a broken listener does not keep the others from hearing");
        });
        Runnable unsubscribe = hand.market().subscribe(heard::add);
        CompletableFuture<MarketState> one = hand.market().whenCleared(1);
        CompletableFuture<MarketState> three = hand.market().whenCleared(3);
        hand.publish(2, T1);
        assertEquals(2, one.join().version(), "a later version covers an earlier wait");
        assertFalse(three.isDone());
        assertEquals(List.of(2L), heard.stream().map(MarketState::version).toList());
        assertEquals(T1, hand.market().state().snapshot().clearedAt());
        assertEquals(List.of(2L), hand.market().settlements(0, 0).stream().map(SettlementRecord::version).toList());
        unsubscribe.run();
        hand.publish(3, T2);
        assertEquals(3, three.join().version());
        assertEquals(1, heard.size(), "an unsubscribed listener hears no more");
        assertEquals(List.of(2L, 3L), hand.market().settlements(0, 0).stream().map(SettlementRecord::version).toList());
        assertEquals(T2, hand.market().settlements(2, 2).get(0).supersededAt().orElseThrow());
    }

    @Test
    void aRestatedStateKeepsItsVersionAndListenersHearOnlyTheTurns() {
        ByHand hand = ByHand.fiveNode("none yet");
        MarketState unpublished = new MarketState(MarketSnapshot.of(1, T1, hand.scenario(), hand.result()),
                Optional.empty());
        assertEquals("a restated state keeps the held version (none), got version 1",
                assertThrows(IllegalStateException.class, () -> hand.market().restate(unpublished)).getMessage(),
                "nothing to restate before the first version");
        hand.publish(1, T1);
        List<MarketState> heard = new ArrayList<>();
        hand.market().subscribe(heard::add);
        MarketState fresh = hand.market().state();
        MarketState stale = fresh.markedStale(new MarketState.Staleness(T2, "first failure"));
        hand.market().restate(stale);
        hand.market().restate(fresh.markedStale(new MarketState.Staleness(T2, "second failure")));
        assertEquals("second failure", hand.market().state().staleness().orElseThrow().reason());
        hand.market().restate(new MarketState(fresh.snapshot(), Optional.empty()));
        assertEquals(List.of(true, false), heard.stream().map(MarketState::stale).toList(),
                "turning stale and fresh again; a new reason alone is no news");
        assertSame(fresh.snapshot(), hand.market().state().snapshot());

        MarketState other = new MarketState(MarketSnapshot.of(2, T2, hand.scenario(), hand.result()), Optional.empty());
        assertEquals("a restated state keeps the held version 1, got version 2",
                assertThrows(IllegalStateException.class, () -> hand.market().restate(other)).getMessage());
        assertEquals(1, hand.market().state().version());
    }

    @Test
    void closingFailsTheWaitsAndEveryLaterOneForAVersionNotHeld() {
        ByHand hand = ByHand.fiveNode("none yet");
        hand.publish(1, T1);
        CompletableFuture<MarketState> two = hand.market().whenCleared(2);
        hand.market().failWaiters(new ReclearFailedException(ReclearFailedException.Reason.SOLVER, "injected", null));
        assertInstanceOf(ReclearFailedException.class, assertThrows(CompletionException.class, two::join).getCause());
        CompletableFuture<MarketState> again = hand.market().whenCleared(2);
        hand.market().close();
        for (CompletableFuture<MarketState> wait : List.of(again, hand.market().whenCleared(5))) {
            CompletionException e = assertThrows(CompletionException.class, wait::join);
            assertInstanceOf(OracleUnavailableException.class, e.getCause());
            assertEquals("the oracle is shutting down", e.getCause().getMessage());
        }
        assertEquals(1, hand.market().whenCleared(1).join().version(), "the held version still answers");
    }
}
