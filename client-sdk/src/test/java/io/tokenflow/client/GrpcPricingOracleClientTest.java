package io.tokenflow.client;

import io.tokenflow.testing.MutableClock;

import static io.tokenflow.client.InProcessOracle.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a real in-process oracle: local answers equal the oracle's, and the fallbacks. */
class GrpcPricingOracleClientTest {
    private InProcessOracle oracle;
    private final List<PricingOracleClient> clients = new ArrayList<>();
    private final List<io.grpc.ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        oracle = InProcessOracle.start("five-node");
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(PricingOracleClient::close);
        channels.forEach(io.grpc.ManagedChannel::shutdownNow);
        oracle.close();
    }

    private PricingOracleClient watching() throws InterruptedException {
        PricingOracleClient c = track(PricingOracleClient.builder().channel(oracle.channel())
                .backoff(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(200)).build());
        await("a fresh table", () -> c.tableStatus().fresh());
        return c;
    }

    private PricingOracleClient remoteOnly() {
        return track(PricingOracleClient.builder().channel(oracle.channel()).watch(false).build());
    }

    private PricingOracleClient track(PricingOracleClient c) {
        clients.add(c);
        return c;
    }

    private static void assertSameQuote(OracleQuote expected, OracleQuote actual) {
        String at = expected.origin() + " x " + expected.workloadClass();
        assertEquals(expected.origin(), actual.origin(), at);
        assertEquals(expected.workloadClass(), actual.workloadClass(), at);
        assertEquals(expected.pricePerMTokens(), actual.pricePerMTokens(), at);
        assertEquals(expected.servingNode(), actual.servingNode(), at);
        assertEquals(expected.path(), actual.path(), at);
        assertEquals(expected.energy(), actual.energy(), at);
        assertEquals(expected.scarcity(), actual.scarcity(), at);
        assertEquals(expected.routing(), actual.routing(), at);
        assertEquals(expected.congestion(), actual.congestion(), at);
        assertEquals(expected.unservedPenalty(), actual.unservedPenalty(), at);
        assertEquals(expected.demandTokensPerSecond(), actual.demandTokensPerSecond(), at);
        assertEquals(expected.unservedTokensPerSecond(), actual.unservedTokensPerSecond(), at);
        assertEquals(expected.unservedShare(), actual.unservedShare(), at);
        assertEquals(expected.marketVersion(), actual.marketVersion(), at);
        assertEquals(expected.clearedAt(), actual.clearedAt(), at);
    }

    @Test
    void localQuotesEqualTheOraclesForEveryOriginAndClass() throws Exception {
        PricingOracleClient local = watching();
        PricingOracleClient remote = remoteOnly();
        MarketView market = remote.market();
        assertFalse(market.prices().isEmpty());
        for (OracleQuote p : market.prices()) {
            OracleQuote l = local.quote(p.origin(), p.workloadClass());
            OracleQuote r = remote.quote(p.origin(), p.workloadClass());
            assertEquals(AnswerSource.LOCAL_TABLE, l.source());
            assertEquals(AnswerSource.REMOTE, r.source());
            assertSameQuote(r, l);
            assertSameQuote(p, l);
        }
    }

    @Test
    void localRoutesPickTheOraclesSiteForEveryRequestId() throws Exception {
        PricingOracleClient local = watching();
        PricingOracleClient remote = remoteOnly();
        Set<String> reasons = new TreeSet<>();
        int pairs = 0;
        for (OracleQuote p : remote.market().prices()) {
            if (pairs++ % 3 != 0) {
                continue; // several origin x class pairs, not all: 2,000 calls each
            }
            Set<String> sites = new TreeSet<>();
            for (int i = 0; i < 2000; i++) {
                String id = "req-" + i + (i % 7 == 0 ? "-ünï" : "");
                OracleRoute l = local.route(p.origin(), p.workloadClass(), id);
                OracleRoute r = remote.route(p.origin(), p.workloadClass(), id);
                String at = p.origin() + " x " + p.workloadClass() + " id " + id;
                assertEquals(AnswerSource.LOCAL_TABLE, l.source(), at);
                assertEquals(r.servingNode(), l.servingNode(), at);
                assertEquals(r.path(), l.path(), at);
                assertEquals(r.reason(), l.reason(), at);
                assertEquals(r.clearedShare(), l.clearedShare(), at);
                assertEquals(r.latencyMs(), l.latencyMs(), at);
                assertEquals(r.unservedHint(), l.unservedHint(), at);
                assertEquals(r.unservedShare(), l.unservedShare(), at);
                assertEquals(r.pricePerMTokens(), l.pricePerMTokens(), at);
                assertEquals(r.marketVersion(), l.marketVersion(), at);
                sites.add(l.servingNode());
                reasons.add(l.reason().name());
            }
            assertFalse(sites.isEmpty());
        }
        assertTrue(reasons.contains("CLEARED_SPLIT"), reasons.toString());
    }

    @Test
    void priceHistoryGivesEachVersionsPriceAndTheUpdateThatMadeIt() throws Exception {
        PricingOracleClient remote = remoteOnly();
        OracleQuote before = remote.quote("ashburn", "image");
        UpdateAck ack = remote.updateCapacity(List.of(new CapacityChange("dallas", "image", 120_000)), true);
        OracleQuote after = remote.quote("ashburn", "image");
        assertTrue(after.pricePerMTokens() > before.pricePerMTokens(), "halving Dallas image capacity raises the price");

        PriceHistoryView history = remote.priceHistory("ashburn", "image", null);
        assertEquals("ashburn", history.origin());
        assertEquals(List.of(before.marketVersion(), ack.marketVersion()),
                history.points().stream().map(PriceHistoryView.Point::marketVersion).toList());
        assertEquals(before.marketVersion(), history.oldestRetainedVersion());
        assertEquals(before.clearedAt(), history.oldestRetainedAt());
        PriceHistoryView.Point first = history.points().get(0);
        PriceHistoryView.Point second = history.points().get(1);
        assertEquals(before.pricePerMTokens(), first.pricePerMTokens());
        assertEquals(before.clearedAt(), first.clearedAt());
        assertEquals(List.of(new PriceHistoryView.Cause("initial", "", 0, 0, "")), first.causes());
        assertEquals(after.pricePerMTokens(), second.pricePerMTokens());
        assertEquals(after.scarcity(), second.scarcity());
        assertEquals(after.servingNode(), second.servingNode());
        assertEquals(List.of(new PriceHistoryView.Cause("capacity", "dallas/image", 240_000, 120_000, "tokens/s")),
                second.causes());
        assertEquals("capacity dallas/image 240000 -> 120000 tokens/s", second.cause());
        assertEquals(0, second.causesOmitted());

        assertEquals(List.of(second), remote.priceHistory("ashburn", "image", second.clearedAt()).points());
        OracleNotFoundException unknown = assertThrows(OracleNotFoundException.class,
                () -> remote.priceHistory("atlantis", "image", null));
        assertTrue(unknown.getMessage().contains("atlantis"), unknown.getMessage());
    }

    @Test
    void priceHistoryPagesWalkTheWholeHistoryOnceAndPriceHistoryWalksThemAll() throws Exception {
        PricingOracleClient remote = remoteOnly();
        for (int i = 1; i <= 6; i++) {
            remote.updateDemand(List.of(new DemandChange("seattle", "chat", 1000 * i)), true);
        }
        List<PriceHistoryView.Point> walked = new java.util.ArrayList<>();
        List<Integer> sizes = new java.util.ArrayList<>();
        PriceHistoryPage page = remote.priceHistoryPage("seattle", "chat", null, 3, null);
        while (true) {
            walked.addAll(page.history().points());
            sizes.add(page.history().points().size());
            if (page.last()) {
                break;
            }
            page = remote.priceHistoryPage("seattle", "chat", null, 3, page.nextPageToken());
        }
        PriceHistoryView whole = remote.priceHistory("seattle", "chat", null);
        assertEquals(7, whole.points().size());
        assertEquals(whole.points(), walked);
        assertEquals(List.of(3, 3, 1), sizes);
        // without causes: the same points, each with its one-line cause and its causes counted, not listed
        List<PriceHistoryView.Point> summaries = remote.priceHistory("seattle", "chat", null, false).points();
        assertEquals(whole.points().size(), summaries.size());
        for (int i = 0; i < summaries.size(); i++) {
            PriceHistoryView.Point full = whole.points().get(i);
            PriceHistoryView.Point summary = summaries.get(i);
            assertFalse(full.causes().isEmpty(), full.toString());
            assertEquals(List.of(), summary.causes());
            assertEquals(full.causes().size() + full.causesOmitted(), summary.causesOmitted());
            assertEquals(full.cause(), summary.cause());
            assertEquals(full.marketVersion(), summary.marketVersion());
            assertEquals(full.pricePerMTokens(), summary.pricePerMTokens());
        }
        OracleInvalidArgumentException bad = assertThrows(OracleInvalidArgumentException.class,
                () -> remote.priceHistoryPage("seattle", "chat", null, 3, "x"));
        assertEquals("INVALID_ARGUMENT: page_token 'x' is not a next_page_token this server issued; send one"
                + " unchanged, or none for the first page", bad.getMessage());
    }

    @Test
    void aCapacityUpdateMovesTheLocalTableToTheNewVersion() throws Exception {
        PricingOracleClient local = watching();
        PricingOracleClient remote = remoteOnly();
        long before = local.tableStatus().version().orElseThrow();
        MarketView.Rate cap = remote.market().capacities().stream().filter(c -> c.tokensPerSecond() > 0)
                .findFirst().orElseThrow();
        UpdateAck ack = remote.updateCapacity(
                List.of(new CapacityChange(cap.node(), cap.workloadClass(), cap.tokensPerSecond() / 4)), true);
        assertTrue(ack.cleared());
        assertTrue(ack.marketVersion() > before);
        await("the new version locally", () -> local.tableStatus().version().orElse(0) >= ack.marketVersion());
        assertEquals(ack.marketVersion(), local.tableStatus().version().orElseThrow());
        for (OracleQuote p : remote.market().prices()) {
            OracleQuote l = local.quote(p.origin(), p.workloadClass());
            assertEquals(AnswerSource.LOCAL_TABLE, l.source());
            assertEquals(ack.marketVersion(), l.marketVersion());
            assertSameQuote(remote.quote(p.origin(), p.workloadClass()), l);
        }
    }

    @Test
    void staleAfterTheStreamDropsThenRemoteThenStaleTableThenRecovery() throws Exception {
        PricingOracleClient client = watching();
        OracleQuote any = client.market().prices().get(0);
        String o = any.origin();
        String c = any.workloadClass();
        long version = client.tableStatus().version().orElseThrow();

        // the stream drops and stays down, the oracle still answers calls: remote answers
        oracle.refuseWatch = true;
        oracle.stopServer();
        oracle.startServer();
        oracle.resetConnectBackoff();
        await("the table to turn not fresh", () -> !client.tableStatus().fresh());
        assertFalse(client.tableStatus().connected());
        OracleQuote remote = client.quote(o, c);
        assertEquals(AnswerSource.REMOTE, remote.source());
        assertEquals(AnswerSource.REMOTE, client.route(o, c, "r-1").source());

        // the oracle gone: the last table, flagged stale
        oracle.stopServer();
        OracleQuote stale = client.quote(o, c);
        assertEquals(AnswerSource.STALE_TABLE, stale.source());
        assertTrue(stale.stale());
        assertEquals(version, stale.marketVersion());
        assertEquals(remote.pricePerMTokens(), stale.pricePerMTokens());
        OracleRoute staleRoute = client.route(o, c, "r-1");
        assertEquals(AnswerSource.STALE_TABLE, staleRoute.source());
        assertTrue(staleRoute.stale());

        // meanwhile the market moves on; the oracle comes back: fresh again at the current version
        long current = oracle.oracle.submit(List.of(new io.tokenflow.market.model.MarketUpdate.DemandUpdate(o, c,
                5.0))).version();
        oracle.oracle.whenCleared(current).get();
        oracle.refuseWatch = false;
        oracle.startServer();
        oracle.resetConnectBackoff();
        await("a fresh table again", () -> client.tableStatus().fresh());
        assertEquals(oracle.oracle.state().version(), client.tableStatus().version().orElseThrow());
        assertTrue(client.tableStatus().version().orElseThrow() >= current);
        OracleQuote fresh = client.quote(o, c);
        assertEquals(AnswerSource.LOCAL_TABLE, fresh.source());
        assertEquals(oracle.oracle.state().version(), fresh.marketVersion());
    }

    @Test
    void anOldTableIsNotFreshByTheBuildersClock() throws Exception {
        MutableClock clock = new MutableClock();
        PricingOracleClient client = track(PricingOracleClient.builder().channel(oracle.channel()).clock(clock)
                .maxTableAge(java.time.Duration.ofSeconds(5)).build());
        await("a fresh table", () -> client.tableStatus().fresh());
        OracleQuote any = remoteOnly().market().prices().get(0);
        assertEquals(AnswerSource.LOCAL_TABLE, client.quote(any.origin(), any.workloadClass()).source());
        clock.advance(java.time.Duration.ofSeconds(6));
        TableStatus status = client.tableStatus();
        assertFalse(status.fresh());
        assertTrue(status.connected());
        assertEquals(java.time.Duration.ofSeconds(6), status.age());
        assertEquals(AnswerSource.REMOTE, client.quote(any.origin(), any.workloadClass()).source());
    }

    @Test
    void unknownIdsFailLocallyWithTheOraclesMessage() throws Exception {
        PricingOracleClient local = watching();
        PricingOracleClient remote = remoteOnly();
        OracleQuote any = remote.market().prices().get(0);
        for (String[] ids : new String[][] {{"atlantis", any.workloadClass()}, {any.origin(), "no-such-class"},
                {"atlantis", "no-such-class"}}) {
            OracleNotFoundException r = assertThrows(OracleNotFoundException.class, () -> remote.quote(ids[0], ids[1]));
            OracleNotFoundException l = assertThrows(OracleNotFoundException.class, () -> local.quote(ids[0], ids[1]));
            assertEquals(r.getMessage(), l.getMessage());
            assertEquals("NOT_FOUND", l.statusCode());
            OracleNotFoundException lr = assertThrows(OracleNotFoundException.class,
                    () -> local.route(ids[0], ids[1], "id"));
            assertEquals(r.getMessage(), lr.getMessage());
        }
        assertEquals("NOT_FOUND: unknown node 'atlantis'",
                assertThrows(OracleNotFoundException.class, () -> local.quote("atlantis", any.workloadClass()))
                        .getMessage());
    }

    @Test
    void everyExceptionTypeFromARealStatus() throws Exception {
        PricingOracleClient remote = remoteOnly();
        PricingOracleClient local = watching();
        OracleQuote any = remote.market().prices().get(0);

        OracleInvalidArgumentException emptyId = assertThrows(OracleInvalidArgumentException.class,
                () -> local.route(any.origin(), any.workloadClass(), ""));
        assertEquals("INVALID_ARGUMENT: request_id must not be empty", emptyId.getMessage());
        assertEquals(emptyId.getMessage(), assertThrows(OracleInvalidArgumentException.class,
                () -> remote.route(any.origin(), any.workloadClass(), "")).getMessage());

        OracleInvalidArgumentException negative = assertThrows(OracleInvalidArgumentException.class,
                () -> remote.updateCapacity(List.of(new CapacityChange(any.origin(), any.workloadClass(), -1)), false));
        assertEquals("INVALID_ARGUMENT", negative.statusCode());
        assertTrue(negative.getMessage().contains("-1.0"), negative.getMessage());

        assertThrows(OracleNotFoundException.class,
                () -> remote.updateDemand(List.of(new DemandChange("atlantis", any.workloadClass(), 1)), false));
        assertThrows(OracleNotFoundException.class, () -> remote.feasibleSites("atlantis", any.workloadClass()));

        List<String> everyNode = remote.market().prices().stream().map(OracleQuote::origin).distinct().toList();
        OracleNoSiteException noSite = assertThrows(OracleNoSiteException.class,
                () -> local.route(any.origin(), any.workloadClass(), "id", everyNode));
        assertEquals("FAILED_PRECONDITION", noSite.statusCode());
        assertTrue(noSite.getMessage().contains("no feasible site"), noSite.getMessage());

        io.grpc.ManagedChannel toNowhere = io.grpc.inprocess.InProcessChannelBuilder.forName("no-such-oracle").build();
        channels.add(toNowhere);
        PricingOracleClient nowhere = track(PricingOracleClient.builder().channel(toNowhere).build());
        OracleUnavailableException unavailable = assertThrows(OracleUnavailableException.class,
                () -> nowhere.quote(any.origin(), any.workloadClass()));
        assertEquals("UNAVAILABLE", unavailable.statusCode());
        assertThrows(OracleUnavailableException.class, () -> nowhere.route(any.origin(), any.workloadClass(), "x"));
        assertFalse(nowhere.tableStatus().fresh());
        assertTrue(nowhere.tableStatus().version().isEmpty());
    }

    @Test
    void sitesAndMarketAndRemoteRoutes() throws Exception {
        PricingOracleClient client = watching();
        // an origin x class with a choice of sites, so that the exclusion below has somewhere to go
        // ... and room left at the second-cheapest: a rerouted request goes only where the market has room
        OracleQuote any = client.market().prices().stream()
                .filter(p -> client.feasibleSites(p.origin(), p.workloadClass()).size() > 1)
                .filter(p -> client.feasibleSites(p.origin(), p.workloadClass()).get(1).spareTokensPerSecond() > 0.1)
                .findFirst()
                .orElseThrow(() -> new AssertionError("five-node has origins with several feasible sites"));
        List<OracleSite> sites = client.feasibleSites(any.origin(), any.workloadClass());
        assertTrue(sites.size() > 1);
        for (int i = 1; i < sites.size(); i++) {
            assertTrue(sites.get(i - 1).deliveredCostPerMTokens() <= sites.get(i).deliveredCostPerMTokens());
        }
        for (OracleSite s : sites) { // the site price's two parts come through, and the cost of idle capacity omits the rent
            assertEquals(s.sitePricePerMTokens(), s.energy() + s.scarcity(), 1e-12);
            assertEquals(s.deliveredCostPerMTokens() - s.scarcity(), s.idleCapacityCostPerMTokens(), 1e-9);
        }
        OracleRoute excluded = client.route(any.origin(), any.workloadClass(), "id", List.of(sites.get(0).node()));
        assertEquals(AnswerSource.REMOTE, excluded.source());
        assertEquals(OracleRoute.Reason.CHEAPEST_REMAINING, excluded.reason());
        assertEquals(sites.get(1).node(), excluded.servingNode());
        MarketView m = client.market();
        assertTrue(m.objectivePerHour().isPresent());
        assertFalse(m.capacities().isEmpty());
        assertFalse(m.demands().isEmpty());
        assertEquals(Optional.of(m.marketVersion()), client.tableStatus().version().stream().boxed().findFirst());
        OracleQuote local = client.quote(any.origin(), any.workloadClass());
        assertSame(local, client.quote(any.origin(), any.workloadClass()), "a fresh table answers without allocating");
    }

    @Test
    void closeStopsTheStream() throws Exception {
        PricingOracleClient client = watching();
        client.close();
        assertFalse(client.tableStatus().connected());
        assertFalse(client.tableStatus().fresh());
        client.close(); // twice is fine
    }
}
