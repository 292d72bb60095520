package io.tokenflow.client;

import static io.tokenflow.client.InProcessOracle.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.NodePrice;
import io.tokenflow.service.SettlementRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's whole-market, update, settlement-export and table-listener calls against a real in-process
 * oracle: each answer carries exactly the oracle's own numbers.
 */
class MarketSettlementAndListenerTest {
    private InProcessOracle oracle;
    private final List<PricingOracleClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        oracle = InProcessOracle.start("five-node");
    }

    @AfterEach
    void stop() {
        clients.forEach(PricingOracleClient::close);
        oracle.close();
    }

    private PricingOracleClient remoteOnly() {
        PricingOracleClient c = PricingOracleClient.builder().channel(oracle.channel()).watch(false).build();
        clients.add(c);
        return c;
    }

    @Test
    void theMarketCarriesTheWholeClearingAndScenarioBitForBit() {
        MarketView market = remoteOnly().market();
        ClearingResult expected = oracle.oracle.state().snapshot().result();
        ClearingView clearing = market.clearing();
        assertEquals(ClearingView.Status.OPTIMAL, clearing.status());
        assertEquals(expected.objectivePerHour().getAsDouble(), clearing.objectivePerHour().getAsDouble());
        assertEquals(expected.prices().size(), clearing.prices().size());
        for (int i = 0; i < expected.prices().size(); i++) {
            NodePrice e = expected.prices().get(i);
            ClearingView.Price p = clearing.prices().get(i);
            assertEquals(e.node() + "/" + e.classId(), p.node() + "/" + p.workloadClass());
            assertEquals(e.price(), p.pricePerMTokens());
            assertEquals(e.price(), p.energy() + p.scarcity() + p.routing() + p.congestion() + p.unservedPenalty(),
                    1e-9, "eq. 9 terms add up at " + p.node() + "/" + p.workloadClass());
            assertEquals(e.path(), p.path());
            assertEquals(e.servingNode(), p.servingNode());
        }
        assertEquals(expected.flows().size(), clearing.flows().size());
        for (int i = 0; i < expected.flows().size(); i++) {
            assertEquals(expected.flows().get(i).tokensPerSecond(), clearing.flows().get(i).tokensPerSecond());
        }
        assertEquals(expected.links().size(), clearing.links().size());
        assertEquals(expected.settlement().orElseThrow().userPaymentsPerHour(),
                clearing.settlement().orElseThrow().userPaymentsPerHour());
        Scenario served = ScenarioJson.read(market.scenarioJson());
        assertEquals(oracle.oracle.state().snapshot().scenario().name(), served.name());
        assertEquals(oracle.oracle.state().snapshot().scenario().nodes(), served.nodes());
    }

    @Test
    void electricityAndLinkUpdatesLandInTheNextVersionAndBadOnesAreRefusedWhole() {
        PricingOracleClient client = remoteOnly();
        Scenario before = ScenarioJson.read(client.market().scenarioJson());
        Link link = before.links().get(0);
        UpdateAck power = client.updateElectricityPrice(List.of(new ElectricityPriceChange("seattle", 0.21)), true);
        assertTrue(power.cleared());
        UpdateAck wire = client.updateLinkCapacity(
                List.of(new LinkCapacityChange(link.from(), link.to(), link.capacityGbps() / 2)), true);
        assertTrue(wire.cleared());
        assertTrue(wire.marketVersion() > power.marketVersion());
        Scenario after = ScenarioJson.read(client.market().scenarioJson());
        assertEquals(0.21, after.node("seattle").electricityPricePerKwh());
        assertEquals(link.capacityGbps() / 2, after.link(link.from(), link.to()).capacityGbps());

        long version = oracle.oracle.state().version();
        OracleException e = assertThrows(OracleNotFoundException.class, () -> client.updateElectricityPrice(
                List.of(new ElectricityPriceChange("seattle", 0.5), new ElectricityPriceChange("atlantis", 0.1)),
                true));
        assertEquals("NOT_FOUND", e.statusCode());
        assertTrue(e.getMessage().contains("atlantis"), e.getMessage());
        assertThrows(OracleInvalidArgumentException.class, () -> client.updateLinkCapacity(
                List.of(new LinkCapacityChange(link.from(), link.to(), Double.NaN)), true));
        assertEquals(version, oracle.oracle.state().version(), "a refused update changes nothing");
        assertEquals(0.21, ScenarioJson.read(client.market().scenarioJson()).node("seattle").electricityPricePerKwh());
    }

    @Test
    void settlementExportHandsOverEveryRetainedVersionAndSaysWhereToResume() {
        PricingOracleClient client = remoteOnly();
        for (double demand : new double[] {1000, 2000, 3000}) {
            client.updateDemand(List.of(new DemandChange("dallas", "chat", demand)), true);
        }
        long current = oracle.oracle.state().version();
        List<SettlementView> all = new ArrayList<>();
        SettlementExport export = client.exportSettlement(0, 0, all::add);
        assertEquals(current, all.size());
        assertEquals(current, export.records());
        assertEquals(current, export.lastVersion().getAsLong());
        assertEquals(current + 1, export.nextFromVersion(0));
        List<SettlementRecord> expected = oracle.oracle.settlements(1, current);
        for (int i = 0; i < all.size(); i++) {
            SettlementView got = all.get(i);
            SettlementRecord want = expected.get(i);
            assertEquals(want.version(), got.marketVersion());
            assertEquals(want.clearedAt(), got.clearedAt());
            assertEquals(want.statement().totals().userPaymentsPerHour(), got.totals().userPaymentsPerHour());
            assertEquals(want.statement().totals().merchandisingSurplusPerHour(),
                    got.totals().merchandisingSurplusPerHour());
            assertEquals(i < all.size() - 1, got.supersededAt().isPresent(), "only the current one is in force");
        }
        // resuming where the last export stopped: nothing new yet, nothing repeated
        List<SettlementView> again = new ArrayList<>();
        SettlementExport nothing = client.exportSettlement(export.nextFromVersion(0), 0, again::add);
        assertEquals(0, nothing.records());
        assertTrue(again.isEmpty());
        assertEquals(current + 1, nothing.nextFromVersion(current + 1), "the cursor stays where it was");
        // a version the oracle has not cleared yet, asked for by number, is still an error
        OracleException beyond = assertThrows(OracleInvalidArgumentException.class,
                () -> client.exportSettlement(1, current + 5, again::add));
        assertEquals("OUT_OF_RANGE", beyond.statusCode());
        client.updateDemand(List.of(new DemandChange("dallas", "chat", 4000)), true);
        SettlementExport next = client.exportSettlement(export.nextFromVersion(0), 0, again::add);
        assertEquals(1, next.records());
        assertEquals(current + 1, again.get(0).marketVersion());
    }

    @Test
    void anExportByTimeStartsAtTheVersionInForceThen() throws Exception {
        PricingOracleClient client = remoteOnly();
        long v2 = client.updateDemand(List.of(new DemandChange("dallas", "chat", 1000)), true).marketVersion();
        Thread.sleep(5); // distinct clear times, millisecond apart at least
        long v3 = client.updateDemand(List.of(new DemandChange("dallas", "chat", 2000)), true).marketVersion();
        java.time.Instant clearedV2 = oracle.oracle.settlements(v2, v2).get(0).clearedAt();
        java.time.Instant clearedV3 = oracle.oracle.settlements(v3, v3).get(0).clearedAt();
        assertTrue(clearedV3.isAfter(clearedV2));
        java.time.Instant between = clearedV2.plusNanos(java.time.Duration.between(clearedV2, clearedV3).toNanos() / 2);
        List<Long> versions = new ArrayList<>();
        client.exportSettlement(between, 0, r -> versions.add(r.marketVersion()));
        assertEquals(List.of(v2, v3), versions, "v2 was in force at that time");
        versions.clear();
        client.exportSettlement(clearedV3, 0, r -> versions.add(r.marketVersion()));
        assertEquals(List.of(v3), versions, "cleared at exactly that time: v3 is in force");
        versions.clear();
        client.exportSettlement(java.time.Instant.EPOCH, 0, r -> versions.add(r.marketVersion()));
        assertEquals(List.of(1L, v2, v3), versions, "before anything was cleared: from the first version");
        versions.clear();
        client.exportSettlement(clearedV3.plusSeconds(3600), 0, r -> versions.add(r.marketVersion()));
        assertEquals(List.of(v3), versions, "the current version is in force from then on");
    }

    @Test
    void aSinkThatThrowsEndsTheExportWithItsOwnException() {
        PricingOracleClient client = remoteOnly();
        client.updateDemand(List.of(new DemandChange("dallas", "chat", 1000)), true);
        IllegalStateException stop = new IllegalStateException("disk full");
        List<Long> seen = new ArrayList<>();
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> client.exportSettlement(0, 0,
                r -> {
                    seen.add(r.marketVersion());
                    throw stop;
                }));
        assertSame(stop, thrown);
        assertEquals(List.of(1L), seen);
        assertEquals(2, client.exportSettlement(0, 0, r -> { }).records(), "the client still works");
    }

    @Test
    void theTableListenerHearsEveryVersionAndEveryLossOfTheStream() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        PricingOracleClient client = PricingOracleClient.builder().channel(oracle.channel())
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .tableListener(new TableListener() {
                    @Override
                    public void tableArrived(long marketVersion, boolean stale) {
                        events.add("table " + marketVersion + (stale ? " stale" : ""));
                    }

                    @Override
                    public void streamLost(String why) {
                        events.add("lost");
                    }
                }).build();
        clients.add(client);
        await("the first table", () -> events.contains("table 1"));
        long version = client.updateDemand(List.of(new DemandChange("dallas", "chat", 1000)), true).marketVersion();
        await("the table of version " + version, () -> events.contains("table " + version));
        oracle.stopServer();
        await("the loss of the stream", () -> events.contains("lost"));
        assertFalse(client.tableStatus().connected());
        oracle.startServer();
        oracle.resetConnectBackoff();
        int lost = events.lastIndexOf("lost");
        await("a table after the loss", () -> events.lastIndexOf("table " + version) > lost);
        assertThrows(IllegalStateException.class, () -> PricingOracleClient.builder().channel(oracle.channel())
                .watch(false).tableListener(new TableListener() {
                    @Override
                    public void tableArrived(long marketVersion, boolean stale) {}

                    @Override
                    public void streamLost(String why) {}
                }).build());
    }

    @Test
    void anOracleThatStopsAnsweringEndsTheStreamWithinTheProbeBoundAndIsFreshWhenItAnswersAgain()
            throws Exception {
        List<String> lost = Collections.synchronizedList(new ArrayList<>());
        PricingOracleClient client = PricingOracleClient.builder().channel(oracle.channel())
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .livenessProbe(Duration.ofMillis(50), Duration.ofMillis(100))
                .tableListener(new TableListener() {
                    @Override
                    public void tableArrived(long marketVersion, boolean stale) {}

                    @Override
                    public void streamLost(String why) {
                        lost.add(why);
                    }
                }).build();
        clients.add(client);
        await("a fresh table", () -> client.tableStatus().fresh());
        oracle.frozen = true;
        long frozenAt = System.nanoTime();
        await("the table to stop being fresh", () -> !client.tableStatus().fresh());
        long seenMillis = (System.nanoTime() - frozenAt) / 1_000_000;
        assertTrue(seenMillis < 5_000, "noticed after " + seenMillis + " ms (probe every 50 ms, 100 ms timeout)");
        assertTrue(lost.stream().anyMatch(w -> w.contains("did not answer a health check within 100 ms")), lost::toString);
        oracle.frozen = false;
        await("fresh again once the oracle answers", () -> client.tableStatus().fresh());
        assertEquals(AnswerSource.LOCAL_TABLE, client.quote("dallas", "chat").source());
    }
}
