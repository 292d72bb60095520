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
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.ClearingStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The replica on its own (the gRPC follower that drives it: ReadReplicaTest): adopting, staleness, refusals. */
class ReplicaOracleTest {
    private static final String LEADER = "leader.example:50051";
    private static final Instant T1 = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant T2 = Instant.parse("2026-03-01T12:00:05Z");
    private static final Scenario SCENARIO = LeaderOracle.withDefaultPenalty(EmbeddedScenarios.get("five-node"), 1000);
    private static final ClearingResult RESULT = MarketClearing.clearOnce(SCENARIO, SolverKind.GLOP);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ReplicaOracle replica = ReplicaOracle.following(OracleConfig.builder().build(), meters, LEADER);
    private final List<MarketState> heard = new ArrayList<>();

    ReplicaOracleTest() {
        replica.subscribe(heard::add);
    }

    @AfterEach
    void close() {
        replica.close();
    }

    @Test
    void beforeItsFirstVersionReadsAreUnavailableNamingTheLeader() {
        assertFalse(replica.ready());
        OracleUnavailableException e = assertThrows(OracleUnavailableException.class, replica::state);
        assertEquals("this read replica has no market version yet from its leader " + LEADER, e.getMessage());
        assertEquals(e.getMessage(), assertThrows(OracleUnavailableException.class,
                () -> replica.quote("dallas", "chat")).getMessage());
        assertThrows(OracleUnavailableException.class, () -> replica.priceHistory("dallas", "chat", null));
        replica.markStale("the leader is unreachable");
        assertFalse(replica.ready(), "staleness needs a version to mark");
        assertTrue(heard.isEmpty());
        assertEquals(0.0, meters.get("tokenflow.market.version").gauge().value());
    }

    @Test
    void itAdoptsNewerVersionsAsIsAndIgnoresOlderOnes() {
        CompletableFuture<MarketState> two = replica.whenCleared(2);
        assertTrue(replica.adopt(1, T1, SCENARIO, RESULT));
        assertFalse(two.isDone(), "version 1 does not cover a wait for 2");
        assertTrue(replica.adopt(3, T2, SCENARIO, RESULT), "a version may be skipped");
        assertEquals(3, two.join().version());
        MarketState held = replica.state();
        assertEquals(3, held.version());
        assertEquals(T2, held.snapshot().clearedAt());
        assertSame(RESULT, held.snapshot().result());
        assertFalse(held.stale());

        assertFalse(replica.adopt(2, T1, SCENARIO, RESULT), "an older version is ignored");
        assertFalse(replica.adopt(3, T2, SCENARIO, RESULT), "the same fresh version changes nothing");
        assertSame(held, replica.state());
        assertEquals(List.of(1L, 3L), heard.stream().map(MarketState::version).toList());
        assertEquals(List.of(1L, 3L), replica.priceHistory("dallas", "chat", null).points().stream()
                .map(PricePoint::version).toList());
        assertEquals(List.of(PriceCause.LEADER), replica.priceHistory("dallas", "chat", null).points().get(1)
                .causes().listed());
        assertEquals(replica.quote("dallas", "chat").price(), RESULT.price("dallas", "chat"));
        assertEquals(3.0, meters.get("tokenflow.market.version").gauge().value());
    }

    @Test
    void staleUntilTheSameOrANewerVersionArrivesKeepingTheFirstReason() {
        replica.adopt(1, T1, SCENARIO, RESULT);
        replica.markStale("the leader " + LEADER + " is unreachable: UNAVAILABLE");
        replica.markStale("a later failure");
        MarketState stale = replica.state();
        assertTrue(stale.stale());
        assertEquals(1, stale.version());
        assertEquals("the leader " + LEADER + " is unreachable: UNAVAILABLE", stale.staleness().orElseThrow().reason(),
                "the first reason stands");
        assertEquals(1.0, meters.get("tokenflow.market.stale").gauge().value());
        assertEquals(1, replica.quote("dallas", "chat").state().version(), "stale answers are still answers");

        assertTrue(replica.adopt(1, T1, SCENARIO, RESULT), "the same version again clears staleness");
        assertFalse(replica.state().stale());
        assertSame(stale.snapshot(), replica.state().snapshot(), "the version itself is kept");
        replica.markStale("gone again");
        assertTrue(replica.adopt(2, T2, SCENARIO, RESULT));
        assertFalse(replica.state().stale(), "a newer version is fresh");
        assertEquals(List.of(false, true, false, true, false), heard.stream().map(MarketState::stale).toList(),
                "listeners hear each turn, not the repeated failure");
    }

    @Test
    void updatesAreRefusedNamingTheLeader() {
        replica.adopt(1, T1, SCENARIO, RESULT);
        ReadReplicaException e = assertThrows(ReadReplicaException.class,
                () -> replica.submitAsync(List.of(new DemandUpdate("dallas", "chat", 1))));
        assertEquals("this oracle is a read replica of " + LEADER + "; send updates to the leader", e.getMessage());
        assertEquals(LEADER, replica.leader());
        assertEquals(1, replica.state().version());
    }

    @Test
    void aResultThatIsNotOptimalIsNotAdopted() {
        Scenario twenty = EmbeddedScenarios.get("twenty-node");
        ClearingResult infeasible;
        try (MarketClearing market = MarketClearing.open(twenty, SolverKind.GLOP)) {
            market.apply(List.of(new DemandUpdate("dallas", "image", 1_000_000)));
            infeasible = market.clear();
        }
        assertEquals(ClearingStatus.INFEASIBLE, infeasible.status());
        ReclearFailedException e = assertThrows(ReclearFailedException.class,
                () -> replica.adopt(1, T1, twenty, infeasible));
        assertEquals("the market cleared INFEASIBLE although every class may go unserved", e.getMessage());
        assertFalse(replica.ready());
    }

    @Test
    void closingFailsTheWaitsForVersionsNotHeld() {
        replica.adopt(1, T1, SCENARIO, RESULT);
        CompletableFuture<MarketState> two = replica.whenCleared(2);
        replica.close();
        CompletionException e = assertThrows(CompletionException.class, two::join);
        assertInstanceOf(OracleUnavailableException.class, e.getCause());
        assertEquals("the oracle is shutting down", e.getCause().getMessage());
        assertTrue(replica.whenCleared(3).isCompletedExceptionally(), "and the ones asked for after");
        assertEquals(1, replica.whenCleared(1).join().version(), "a held version still answers");
    }

    @Test
    void theLeaderMustBeNamed() {
        assertEquals("leader must name the leader (HOST:PORT), got ' '", assertThrows(IllegalArgumentException.class,
                () -> ReplicaOracle.following(OracleConfig.builder().build(), meters, " ")).getMessage());
        assertThrows(NullPointerException.class, () -> ReplicaOracle.following(OracleConfig.builder().build(), meters,
                null));
    }
}
