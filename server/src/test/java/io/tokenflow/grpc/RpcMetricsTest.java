package io.tokenflow.grpc;

import io.tokenflow.service.LogRecorder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.api.v1.WatchRequest;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a real Netty server: every call that reaches it is in {@code tokenflow.rpc.server.duration} once,
 * with its final status, also those the transport ends (a client's cancel, a deadline, a request over the
 * size limit); a cancelled stream with writes still queued logs nothing and is counted.
 */
class RpcMetricsTest {
    private static final String NETTY_LOGGER = "io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler";
    private static final String STREAM_LOGGER = "io.grpc.netty.shaded.io.grpc.netty.NettyServerStream";
    private static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final LogRecorder capture = new LogRecorder();
    private LeaderOracle leader;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        leader = LeaderOracle.start(EmbeddedScenarios.get("twenty-node"), OracleConfig.builder().build(),
                new SimpleMeterRegistry(), FrozenEngine.factory());
        closing.add(leader);
        OracleServer server = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(MAX_MESSAGE_BYTES), leader, meters, Clock.systemUTC()).start();
        closing.add(0, () -> server.stop(Duration.ofSeconds(1)));
        // a small flow-control window: a reader that does not read leaves the server's writes queued
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .flowControlWindow(64 * 1024).build();
        closing.add(0, () -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        Logger.getLogger(NETTY_LOGGER).addHandler(capture);
        Logger.getLogger(STREAM_LOGGER).addHandler(capture);
        for (int i = 0; i < 40; i++) {
            leader.whenCleared(leader.submit(List.of(new MarketUpdate.DemandUpdate("dallas", "chat", 1000 + i)))
                    .version()).get(20, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() throws Exception {
        Logger.getLogger(NETTY_LOGGER).removeHandler(capture);
        Logger.getLogger(STREAM_LOGGER).removeHandler(capture);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private long count(String method, Status.Code code) {
        Timer t = meters.find("tokenflow.rpc.server.duration").tag("method", method).tag("code", code.name()).timer();
        return t == null ? 0 : t.count();
    }

    private long calls(String method) {
        return meters.find("tokenflow.rpc.server.duration").tag("method", method).timers().stream()
                .mapToLong(Timer::count).sum();
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Opens an export that reads one record and leaves the rest queued, then cancels it. */
    private void exportCancelledAfterOneRecord() throws Exception {
        Context.CancellableContext context = Context.current().withCancellation();
        CountDownLatch first = new CountDownLatch(1);
        context.run(() -> PricingOracleGrpc.newStub(channel).exportSettlement(ExportSettlementRequest.getDefaultInstance(),
                new ClientResponseObserver<ExportSettlementRequest, SettlementRecord>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ExportSettlementRequest> call) {
                        call.disableAutoRequestWithInitial(1);
                    }

                    @Override
                    public void onNext(SettlementRecord record) {
                        first.countDown();
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                }));
        assertTrue(first.await(20, TimeUnit.SECONDS));
        context.cancel(null);
    }

    @Test
    void cancelledStreamsWithQueuedWritesAreCountedNotTraced() throws Exception {
        long dropped = TransportLog.cancelledWrites();
        int exports = 0;
        // the first record arriving does not prove the server has queued past the window yet: cancel until it has
        while (TransportLog.cancelledWrites() == dropped && exports < 10) {
            exportCancelledAfterOneRecord();
            exports++;
            int opened = exports;
            await("the cancelled export in the metrics", () -> count("ExportSettlement", Status.Code.CANCELLED) == opened);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (TransportLog.cancelledWrites() == dropped && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertTrue(TransportLog.cancelledWrites() > dropped, "the queued writes of a cancelled export were dropped");
        assertEquals(List.of(), capture.records().stream().map(LogRecord::getMessage).toList(), "grpc-netty logged nothing");
        assertEquals(TransportLog.cancelledWrites(), meters.get("tokenflow.rpc.cancelled.writes").functionCounter().count());
        assertEquals(exports, calls("ExportSettlement"), "each export once, as CANCELLED");
    }

    @Test
    void aSecondServerOnTheSameRegistrySharesTheTransportCountersWithoutAWarning() {
        SimpleMeterRegistry shared = new SimpleMeterRegistry();
        LogRecorder root = new LogRecorder();
        Logger.getLogger("").addHandler(root);
        try {
            TransportLog.quiet(shared);
            TransportLog.quiet(shared);
        } finally {
            Logger.getLogger("").removeHandler(root);
        }
        assertEquals(List.of(), root.records().stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).toList());
        assertEquals(1, shared.find("tokenflow.rpc.cancelled.writes").functionCounters().size());
        assertEquals(1, shared.find("tokenflow.rpc.oversize.requests").functionCounters().size());
        assertEquals(TransportLog.cancelledWrites(),
                shared.get("tokenflow.rpc.cancelled.writes").functionCounter().count());
    }

    @Test
    void onlyTheCancelledWriteIsQuietOtherStreamErrorsStillLog() {
        Logger netty = Logger.getLogger(NETTY_LOGGER);
        long dropped = TransportLog.cancelledWrites();
        netty.log(Level.WARNING, "Stream Error", Http2Exception.streamError(3, Http2Error.STREAM_CLOSED,
                TransportLog.CANCELLED_WRITE));
        assertEquals(dropped + 1, TransportLog.cancelledWrites());
        netty.log(Level.WARNING, "Stream Error", Http2Exception.streamError(5, Http2Error.PROTOCOL_ERROR, "bad frame"));
        assertEquals(List.of("Stream Error"), capture.records().stream().map(LogRecord::getMessage).toList());
        assertEquals("bad frame", capture.records().get(0).getThrown().getMessage());
    }

    @Test
    void callsTheTransportEndsAreCountedWithTheirFinalStatus() throws Exception {
        PricingOracleGrpc.PricingOracleBlockingStub stub = PricingOracleGrpc.newBlockingStub(channel);
        QuoteRequest quote = QuoteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").build();
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).quote(quote);

        // a request over the server's size limit, refused by the transport before it is parsed, not traced
        long oversizeBefore = TransportLog.oversize();
        QuoteRequest oversize = quote.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder().addField(999,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(
                        new byte[MAX_MESSAGE_BYTES + 1])).build()).build()).build();
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, code(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .quote(oversize)));

        // a watch the client cancels, and one whose deadline passes (the server never closes either)
        Context.CancellableContext watching = Context.current().withCancellation();
        Iterator<PriceTable> tables = watching.call(() -> stub.watchPrices(WatchRequest.getDefaultInstance()));
        tables.next();
        watching.cancel(null);
        Iterator<PriceTable> timed = stub.withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                .watchPrices(WatchRequest.getDefaultInstance());
        timed.next();
        assertEquals(Status.Code.DEADLINE_EXCEEDED, code(() -> {
            while (timed.hasNext()) {
                timed.next();
            }
        }));

        await("every call in the metrics", () -> calls("Quote") == 2 && calls("WatchPrices") == 2);
        assertEquals(oversizeBefore + 1, TransportLog.oversize());
        assertEquals(1, count("Quote", Status.Code.OK));
        assertEquals(1, count("Quote", Status.Code.RESOURCE_EXHAUSTED));
        assertEquals(1, count("WatchPrices", Status.Code.CANCELLED));
        assertEquals(1, count("WatchPrices", Status.Code.DEADLINE_EXCEEDED));
        assertEquals(List.of(), capture.records().stream().map(LogRecord::getMessage).toList());
    }

    private static Status.Code code(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }
}
