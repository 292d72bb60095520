package io.tokenflow.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.MarketUpdate.CapacityUpdate;
import io.tokenflow.market.model.MarketUpdate.DemandUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.service.journal.UpdateJournal;
import io.tokenflow.service.journal.UpdateLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LeaderOracle with a journal: acknowledged after the write, replayed on restart, fail-stop on a journal error. */
class LeaderOracleDurabilityTest {
    private final Scenario base = EmbeddedScenarios.get("five-node");
    private final OracleConfig config = OracleConfig.builder().build();

    private record Running(LeaderOracle oracle, UpdateJournal journal) {}

    private Running start(Path dir) throws IOException {
        UpdateJournal.Recovered r = UpdateJournal.recover(dir, base);
        long first = r.maxVersion() + 1;
        UpdateJournal journal = UpdateJournal.open(dir, r, first, 5);
        return new Running(LeaderOracle.startDurable(r.scenario(), config, new SimpleMeterRegistry(), first,
                r.lastSeq(), journal), journal);
    }

    @Test
    void aRestartReplaysEveryAcknowledgedUpdateAtAGreaterVersion(@TempDir Path dir) throws Exception {
        Running one = start(dir);
        assertEquals(1, one.oracle().state().version());
        String node = base.nodes().get(1).id();
        String origin = base.nodes().get(0).id();
        String classId = base.classes().get(0).id();
        List<CompletableFuture<UpdateReceipt>> acks = new ArrayList<>();
        for (int i = 1; i <= 12; i++) { // more than --snapshot-every (5): replay crosses a snapshot
            acks.add(one.oracle().submitAsync(List.of(new CapacityUpdate(node, classId, 500 + i),
                    new DemandUpdate(origin, classId, 10 + i * 0.5))));
        }
        long maxAcked = 0;
        for (CompletableFuture<UpdateReceipt> ack : acks) {
            maxAcked = Math.max(maxAcked, ack.get(20, TimeUnit.SECONDS).version());
        }
        one.oracle().whenCleared(maxAcked).get(20, TimeUnit.SECONDS);
        Scenario accepted = one.oracle().state().snapshot().scenario();
        long published = one.oracle().state().version();
        // a crash: the journal stops without a final snapshot; the service is dropped
        one.journal().closeWithoutSnapshot();
        one.oracle().close();

        Running two = start(dir);
        try {
            MarketState state = two.oracle().state();
            assertTrue(state.version() > Math.max(maxAcked, published),
                    "version " + state.version() + " after a restart, acknowledged up to " + maxAcked);
            Scenario recovered = state.snapshot().scenario();
            assertEquals(ScenarioJson.write(accepted), ScenarioJson.write(recovered));
            assertEquals(512, recovered.nodes().get(1).capacityOf(classId));
            ClearingResult fresh = MarketClearing.clearOnce(
                    LeaderOracle.withDefaultPenalty(recovered, config.defaultUnservedPenaltyPerMTokens()),
                    SolverKind.GLOP);
            for (NodePrice p : state.snapshot().result().prices()) {
                assertEquals(fresh.price(p.node(), p.classId()).price(), p.price(), 1e-6, p.node() + "/" + p.classId());
            }
            // a restart with no update in between still moves the version on
            long before = state.version();
            two.oracle().close();
            two = start(dir);
            assertTrue(two.oracle().state().version() > before);
        } finally {
            two.oracle().close();
        }
    }

    @Test
    void aJournalFailureFailsTheCallAndStopsUpdates() {
        UpdateLog broken = new UpdateLog() {
            @Override
            public CompletableFuture<Void> append(long seq, long version, List<MarketUpdate> updates) {
                return CompletableFuture.failedFuture(new IOException("No space left on device"));
            }

            @Override
            public void close() {}
        };
        LeaderOracle oracle = LeaderOracle.startDurable(base, config, new SimpleMeterRegistry(), 1, 0, broken);
        try {
            String node = base.nodes().get(1).id();
            String classId = base.classes().get(0).id();
            CompletionException e = assertThrows(CompletionException.class, () -> oracle.submitAsync(
                    List.of(new CapacityUpdate(node, classId, 1))).join());
            assertInstanceOf(OracleUnavailableException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("No space left on device"), e.getCause().getMessage());
            OracleUnavailableException next = assertThrows(OracleUnavailableException.class,
                    () -> oracle.submitAsync(List.of(new CapacityUpdate(node, classId, 2))));
            assertTrue(next.getMessage().contains("takes no more updates"), next.getMessage());
            assertEquals(1, oracle.state().version(), "an update that is not on disk was published");
        } finally {
            oracle.close();
        }
    }
}
