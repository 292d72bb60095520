package io.tokenflow.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PriceHistoryResponse;
import io.tokenflow.api.v1.PricePoint;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import io.tokenflow.service.OriginPriceHistory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PriceHistory in pages over loopback Netty, read by a client with gRPC's default 4 MiB inbound limit:
 * a walk of the pages gives every point of the history exactly once, also while versions land between
 * pages; on a history of tens of MiB every page stays under the limit; a resume point dropped by
 * retention, a bad page_size and a bad page_token are refused with the field named.
 */
class PriceHistoryPagesTest {
    private static final int DEFAULT_CLIENT_LIMIT = 4 << 20;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private LeaderOracle leader;
    private PricingOracleGrpc.PricingOracleBlockingStub stub;

    private void start(String scenario, OracleConfig config) throws Exception {
        leader = LeaderOracle.start(EmbeddedScenarios.get(scenario), config, new SimpleMeterRegistry(),
                FrozenEngine.factory());
        closing.add(leader);
        OracleServer server = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
                leader, new SimpleMeterRegistry(), Clock.systemUTC()).start();
        closing.add(0, () -> server.stop(Duration.ofSeconds(1)));
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + server.port(),
                InsecureChannelCredentials.create()).build(); // gRPC's default limits, as most clients have
        closing.add(0, () -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        stub = PricingOracleGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** Publishes one version per batch, each batch {@code size} capacity updates over the scenario's pairs. */
    private void versions(int count, int size) throws Exception {
        Scenario s = leader.state().snapshot().scenario();
        List<MarketUpdate.CapacityUpdate> pairs = new ArrayList<>();
        for (ComputeNode n : s.nodes()) {
            for (WorkloadClass c : s.classes()) {
                pairs.add(new MarketUpdate.CapacityUpdate(n.id(), c.id(), 0));
            }
        }
        for (int v = 0; v < count; v++) {
            List<MarketUpdate> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                MarketUpdate.CapacityUpdate p = pairs.get((v * size + i) % pairs.size());
                // distinct targets within a batch (at most one update per pair), values that vary
                batch.add(new MarketUpdate.CapacityUpdate(p.node(), p.classId(), 1000 + v * 7 + i));
            }
            leader.whenCleared(leader.submit(batch).version()).get(20, TimeUnit.SECONDS);
        }
    }

    private PriceHistoryResponse page(String origin, String cls, int pageSize, String token) {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS).priceHistory(PriceHistoryRequest.newBuilder()
                .setOrigin(origin).setWorkloadClass(cls).setPageSize(pageSize).setPageToken(token).build());
    }

    /** The oracle's own whole history of the pair, as the pages should add up to. */
    private List<Long> versionsOf(String origin, String cls) {
        OriginPriceHistory all = leader.priceHistory(origin, cls, null);
        return all.points().stream().map(io.tokenflow.service.PricePoint::version).toList();
    }

    @Test
    void onAHistoryOfTensOfMiBEveryPageFitsADefaultClientAndThePagesAreTheWholeHistory() throws Exception {
        // 4096 versions of 80 updates each (every node x class), as in the operator's twenty-node run
        start("twenty-node", OracleConfig.builder().priceHistory(4096).build());
        versions(4095, 80);
        List<PricePoint> walked = new ArrayList<>();
        List<Integer> pageBytes = new ArrayList<>();
        String token = "";
        do {
            PriceHistoryResponse page = page("dallas", "image", 0, token);
            pageBytes.add(page.getSerializedSize());
            walked.addAll(page.getPointsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        long total = pageBytes.stream().mapToLong(Integer::longValue).sum();
        System.out.println("PriceHistoryPagesTest: " + walked.size() + " points in " + pageBytes.size()
                + " pages, " + total + " bytes in all, page bytes " + pageBytes);
        assertTrue(total > 4L * DEFAULT_CLIENT_LIMIT, "a history of " + total + " bytes, several times the limit");
        for (int bytes : pageBytes) {
            assertTrue(bytes <= HistoryPages.PAGE_BYTES, "a page of " + bytes + " bytes");
        }
        assertEquals(versionsOf("dallas", "image"), walked.stream().map(PricePoint::getMarketVersion).toList());
        assertEquals(4096, walked.size());
        assertEquals(80, walked.get(4095).getCausesCount(), "every cause of every point, none trimmed");
    }

    @Test
    void pagesAddUpToTheWholeHistoryWhileVersionsLandBetweenThem() throws Exception {
        start("five-node", OracleConfig.builder().build());
        versions(20, 2);
        List<Long> walked = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            PriceHistoryResponse page = page("seattle", "chat", 3, token);
            assertTrue(page.getPointsCount() <= 3);
            page.getPointsList().forEach(p -> walked.add(p.getMarketVersion()));
            token = page.getNextPageToken();
            if (pages++ < 5) {
                versions(2, 1); // two more versions while the caller pages: they come on later pages
            }
        } while (!token.isEmpty());
        assertEquals(versionsOf("seattle", "chat"), walked, "every version once, in order, those cleared meanwhile too");
        assertEquals(1 + 20 + 10, walked.size());
    }

    @Test
    void aResumePointDroppedByRetentionIsOutOfRangeNotASilentGap() throws Exception {
        start("five-node", OracleConfig.builder().priceHistory(3).build());
        versions(3, 1);
        PriceHistoryResponse first = page("dallas", "chat", 1, "");
        assertEquals(2, first.getPointsList().get(0).getMarketVersion());
        versions(4, 1);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> page("dallas", "chat", 1, first.getNextPageToken()));
        assertEquals(Status.Code.OUT_OF_RANGE, e.getStatus().getCode());
        assertEquals("page_token: version 3, where the history was to go on, is no longer retained (the oldest"
                + " retained is 6, cleared at " + leader.priceHistory("dallas", "chat", null).oldestRetainedAt()
                + "): versions were dropped since the previous page; start again without a page_token",
                e.getStatus().getDescription());
    }

    @Test
    void badPageSizesAndTokensAreInvalidArgumentsNamingTheField() throws Exception {
        start("five-node", OracleConfig.builder().build());
        versions(3, 1);
        assertInvalid("page_size must be >= 0 (0 reads as the default, 1000; at most 10000 are sent), got -1",
                () -> page("dallas", "chat", -1, ""));
        assertInvalid("page_token 'not a token' is not a next_page_token this server issued; send one unchanged,"
                + " or none for the first page", () -> page("dallas", "chat", 1, "not a token"));
        assertInvalid("page_token 'AQAAAAAAAAAB' is not a next_page_token this server issued; send one unchanged,"
                + " or none for the first page", () -> page("dallas", "chat", 1, "AQAAAAAAAAAB"));
        String token = page("dallas", "chat", 1, "").getNextPageToken();
        assertFalse(token.isEmpty());
        assertInvalid("page_token '" + token + "' continues another request: origin, workload_class and since must"
                + " be those of the first page (only page_size may change)", () -> page("seattle", "chat", 1, token));
        assertEquals(3, page("dallas", "chat", 5, token).getPointsCount(), "page_size may change between pages");
        assertEquals(4, page("dallas", "chat", 2_000_000, "").getPointsCount(), "above the maximum reads as it");
    }

    @Test
    void aPointThatAloneWouldPassTheBoundIsSentWithItsLastCausesCounted() {
        // ids of 50,000 characters: 100 causes of such subjects are ~10 MB in one point
        String id = "n".repeat(50_000);
        List<io.tokenflow.service.PriceCause> causes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            causes.add(new io.tokenflow.service.PriceCause(io.tokenflow.service.PriceCause.Kind.CAPACITY,
                    id + "/c" + i, i, i + 1, "tokens/s"));
        }
        io.tokenflow.service.VersionCauses many = new io.tokenflow.service.VersionCauses(causes, 7);
        java.time.Instant t = java.time.Instant.parse("2026-03-01T12:00:00Z");
        List<io.tokenflow.service.PricePoint> points = List.of(1L, 2L).stream().map(v -> new io.tokenflow.service
                .PricePoint(v, t.plusSeconds(v), 1, 1, 0, 0, 0, 0, java.util.Optional.of("dallas"), many)).toList();
        PriceHistoryResponse page = HistoryPages.encode(new OriginPriceHistory("dallas", "chat", points, 1, t), 10,
                null);
        assertTrue(page.getSerializedSize() <= HistoryPages.PAGE_BYTES, page.getSerializedSize() + " bytes");
        assertEquals(1, page.getPointsCount(), "one point a page; the next is on the next page");
        PricePoint only = page.getPoints(0);
        assertTrue(only.getCausesCount() < 100 && only.getCausesCount() > 0, only.getCausesCount() + " causes");
        assertEquals(100 + 7, only.getCausesCount() + only.getCausesOmitted(), "every cause listed or counted");
        assertEquals(2, HistoryPageToken.decode(page.getNextPageToken(), "dallas", "chat", null));
    }

    private static void assertInvalid(String message, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.toString());
        assertEquals(message, e.getStatus().getDescription());
    }
}
