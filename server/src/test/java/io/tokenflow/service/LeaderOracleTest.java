package io.tokenflow.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.model.InvalidScenarioException;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.UnknownIdException;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.NodePrice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The leader: accepting, coalescing and re-clearing updates, and what a failing solver leaves readers. */
class LeaderOracleTest {
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

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void thePathColumnGaugeShowsThePublishedLpsPathColumns() {
        start(EmbeddedScenarios.get("five-node"), fastRetries().build());
        assertEquals(0.0, meters.get("tokenflow.market.path.columns").gauge().value(), "PER_LINK: arc flows only");
        oracle.close();
        SimpleMeterRegistry endToEnd = new SimpleMeterRegistry();
        // chat within 15 ms: some two-link paths are over it, so chat is cleared on path columns
        Scenario tight = EmbeddedScenarios.get("five-node").withLatencyScope(LatencyScope.END_TO_END)
                .withClasses(c -> c.id().equals("chat") ? c.withMaxLatencyMs(15) : c);
        oracle = LeaderOracle.start(tight, fastRetries().build(), endToEnd, ControllableEngine.factory(engine));
        int columns = oracle.state().snapshot().result().stats().pathColumns();
        assertTrue(columns > 0, "chat is cleared on path columns");
        assertEquals(columns, endToEnd.get("tokenflow.market.path.columns").gauge().value());
    }

    @Test
    void updatesAcceptedDuringAReclearAreCoalescedIntoTheNextVersion() throws Exception {
        startFiveNode();
        assertEquals(1, oracle.state().version());
        engine.get().hold();
        UpdateReceipt first = oracle.submit(List.of(new CapacityUpdate("dallas", "chat", 5_000_000)));
        assertEquals(new UpdateReceipt(2, false), first);
        await("version 2 is being cleared", () -> engine.get().batches().size() == 2);
        UpdateReceipt second = oracle.submit(List.of(new CapacityUpdate("dallas", "chat", 4_000_000)));
        UpdateReceipt third = oracle.submit(List.of(new DemandUpdate("seattle", "image", 100_000)));
        assertEquals(3, second.version(), "accepted while 2 is in flight: promised the next one");
        assertEquals(3, third.version());
        engine.get().open();
        MarketState cleared = oracle.whenCleared(3).get(20, TimeUnit.SECONDS);
        assertEquals(3, cleared.version());
        List<List<MarketUpdate>> batches = engine.get().batches();
        assertEquals(3, batches.size(), "one re-clear for version 2, one for both later updates: " + batches);
        assertEquals(List.of(new CapacityUpdate("dallas", "chat", 4_000_000),
                new DemandUpdate("seattle", "image", 100_000)), batches.get(2));
        assertEquals(4_000_000, cleared.snapshot().scenario().node("dallas").capacityOf("chat"));
        assertEquals(3, oracle.whenCleared(2).getNow(null).version(), "an older version is already covered");
    }

    @Test
    void aRejectedBatchChangesNothing() throws Exception {
        start(EmbeddedScenarios.get("five-node"), fastRetries().maxBatchSize(3).build());
        Scenario before = oracle.state().snapshot().scenario();
        InvalidScenarioException nan = assertThrows(InvalidScenarioException.class, () -> oracle.submit(List.of(
                new CapacityUpdate("seattle", "code", 1), new CapacityUpdate("dallas", "image", Double.NaN))));
        assertEquals("node 'dallas' capacityTokensPerSecond for class 'image' must be finite and >= 0, got NaN",
                nan.getMessage());
        UnknownIdException unknown = assertThrows(UnknownIdException.class,
                () -> oracle.submit(List.of(new CapacityUpdate("seattle", "code", 1), new DemandUpdate("atlantis", "chat", 1))));
        assertEquals("unknown node 'atlantis'", unknown.getMessage());
        assertEquals("unknown class 'video'", assertThrows(UnknownIdException.class,
                () -> oracle.submit(List.of(new CapacityUpdate("dallas", "video", 1)))).getMessage());
        assertEquals("updates[2] sets the capacity of node 'dallas' class 'chat' again (updates[0] already does)",
                assertThrows(IllegalArgumentException.class, () -> oracle.submit(List.of(
                        new CapacityUpdate("dallas", "chat", 1), new DemandUpdate("dallas", "chat", 1),
                        new CapacityUpdate("dallas", "chat", 2)))).getMessage());
        assertEquals("updates must not be empty",
                assertThrows(IllegalArgumentException.class, () -> oracle.submit(List.of())).getMessage());
        List<MarketUpdate> four = new ArrayList<>();
        for (String node : List.of("dallas", "seattle", "chicago", "ashburn")) {
            four.add(new CapacityUpdate(node, "chat", 1));
        }
        assertEquals("updates has 4 entries, more than the limit of 3 per call",
                assertThrows(IllegalArgumentException.class, () -> oracle.submit(four)).getMessage());

        // nothing was queued: the next accepted update is version 2 and carries only itself
        UpdateReceipt receipt = oracle.submit(List.of(new DemandUpdate("chicago", "batch", 7)));
        assertEquals(2, receipt.version());
        MarketState cleared = oracle.whenCleared(2).get(20, TimeUnit.SECONDS);
        Scenario after = cleared.snapshot().scenario();
        assertEquals(before.nodes(), after.nodes(), "no capacity moved, seattle/code included");
        assertEquals(7, after.demandTable()[after.nodeIndex("chicago")][after.classIndex("batch")]);
        assertEquals(List.of(List.of(), List.of(new DemandUpdate("chicago", "batch", 7))), engine.get().batches());
    }

    @Test
    void aFailingSolverLeavesQuotesFlowingFromTheLastGoodVersionMarkedStale() throws Exception {
        startFiveNode();
        NodePrice good = oracle.quote("seattle", "image").price();
        engine.get().setFailing(true);
        engine.get().hold(); // the waiter is registered before the first attempt fails (not after, at a retry)
        UpdateReceipt receipt = oracle.submit(List.of(new CapacityUpdate("seattle", "image", 0)));
        var cleared = oracle.whenCleared(receipt.version());
        engine.get().open();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> cleared.get(20, TimeUnit.SECONDS));
        ReclearFailedException cause = assertInstanceOf(ReclearFailedException.class, failed.getCause());
        assertEquals(ReclearFailedException.Reason.SOLVER, cause.reason());
        assertTrue(cause.getMessage().contains("injected solver failure"), cause.getMessage());

        Quote stale = oracle.quote("seattle", "image");
        assertTrue(stale.state().stale());
        assertEquals(1, stale.state().version());
        assertEquals(good, stale.price(), "the last good price, unchanged");
        assertTrue(stale.state().staleness().orElseThrow().reason().contains("injected solver failure"));
        assertTrue(meters.get("tokenflow.reclear.failures").tag("reason", "solver").counter().count() >= 1);
        assertEquals(1.0, meters.get("tokenflow.market.stale").gauge().value());

        engine.get().setFailing(false); // the solver recovers: the retry clears the same update
        await("the retry publishes", () -> oracle.state().version() >= 2);
        MarketState recovered = oracle.state();
        assertFalse(recovered.stale());
        assertEquals(0, recovered.snapshot().scenario().node("seattle").capacityOf("image"));
        assertNotEquals(good.price(), oracle.quote("seattle", "image").price().price());
        assertEquals(0.0, meters.get("tokenflow.market.stale").gauge().value());
    }

    @Test
    void aReclearOverItsTimeLimitFailsAsTimeoutAndTheNextAttemptRecovers() throws Exception {
        start(EmbeddedScenarios.get("five-node"), fastRetries().clearTimeout(Duration.ofMillis(100)).build());
        engine.get().setSleepMillis(600);
        engine.get().hold();
        UpdateReceipt receipt = oracle.submit(List.of(new DemandUpdate("dallas", "code", 1000)));
        var cleared = oracle.whenCleared(receipt.version());
        engine.get().open();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> cleared.get(20, TimeUnit.SECONDS));
        assertEquals(ReclearFailedException.Reason.TIMEOUT, ((ReclearFailedException) failed.getCause()).reason());
        assertTrue(oracle.state().stale());
        assertEquals("re-clear ran over its limit of 100 ms", oracle.state().staleness().orElseThrow().reason());
        engine.get().setSleepMillis(0);
        await("a retry publishes", () -> oracle.state().version() >= 2 && !oracle.state().stale());
        assertEquals(1000, oracle.state().snapshot().scenario().demandTable()[1][2], "dallas/code demand");
    }

    @Test
    void repeatedFailuresOpenTheBreakerWhichRefusesReclearsUntilItHalfOpens() throws Exception {
        start(EmbeddedScenarios.get("five-node"), fastRetries().breakerWindow(2).breakerOpenFor(Duration.ofMillis(300))
                .build());
        engine.get().setFailing(true);
        oracle.submit(List.of(new DemandUpdate("dallas", "code", 1000)));
        await("the breaker refuses a re-clear", () -> meters.find("tokenflow.reclear.failures")
                .tag("reason", "breaker_open").counter() != null);
        assertEquals(1.0, meters.get("resilience4j.circuitbreaker.state").tag("name", "reclear").tag("state", "open")
                .gauge().value());
        int triedWhileOpen = engine.get().batches().size();
        engine.get().setFailing(false);
        await("the half-open trial clears", () -> oracle.state().version() == 2 && !oracle.state().stale());
        assertTrue(engine.get().batches().size() > triedWhileOpen);
    }

    @Test
    void theDefaultPenaltyCapsPricesWhereCapacityIsGone() throws Exception {
        start(EmbeddedScenarios.get("five-node"), fastRetries().defaultUnservedPenaltyPerMTokens(500).build());
        List<MarketUpdate> noImage = new ArrayList<>();
        for (String node : List.of("ashburn", "dallas", "silicon-valley", "chicago", "seattle")) {
            noImage.add(new CapacityUpdate(node, "image", 0));
        }
        long version = oracle.submit(noImage).version();
        MarketState state = oracle.whenCleared(version).get(20, TimeUnit.SECONDS);
        assertTrue(state.snapshot().result().optimal(), "the live market still clears");
        NodePrice capped = oracle.quote("dallas", "image").price();
        assertEquals(500, capped.price(), 1e-9);
        assertEquals(500, capped.unservedPenalty(), 1e-9);
        assertTrue(capped.servingNode().isEmpty());
        double imageDemand = state.snapshot().scenario().demand().stream()
                .filter(d -> d.classId().equals("image")).mapToDouble(d -> d.tokensPerSecond()).sum();
        assertEquals(imageDemand, state.snapshot().result().unserved().stream()
                .filter(u -> u.classId().equals("image")).mapToDouble(u -> u.tokensPerSecond()).sum(), 1e-6);
        // all of dallas's image goes unserved: Route sheds every request (image may wait: queue), excluded or not
        for (List<String> excluded : List.of(List.<String>of(), List.of("dallas"))) {
            RouteDecision shed = oracle.route("dallas", "image", "r", excluded);
            assertEquals(RouteDecision.Reason.UNSERVED, shed.reason());
            assertEquals(1.0, shed.unserved().share());
            assertEquals(java.util.Optional.of(UnservedHint.QUEUE), shed.hint());
        }
    }
}
