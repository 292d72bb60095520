package io.tokenflow.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --max-connections} on a real Netty server: with two open, a third connection is closed on accept
 * (its client gets UNAVAILABLE; a raw socket reads end of stream), counted; once one closes, a new one is
 * served.
 */
class ConnectionCapTest {
    private static final QuoteRequest QUOTE = QuoteRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat")
            .build();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private ConnectionCap cap;
    private int port;

    @BeforeEach
    void start() throws Exception {
        LeaderOracle leader = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder().build(),
                new SimpleMeterRegistry());
        closing.add(leader);
        cap = new ConnectionCap(2, meters);
        closing.add(0, cap);
        OracleServer server = new OracleServer(cap.applyTo(NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0))), leader, meters, Clock.systemUTC()).start();
        closing.add(0, () -> server.stop(Duration.ofSeconds(1)));
        port = server.port();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private ManagedChannel channel() {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        closing.add(0, () -> c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return c;
    }

    private static Status quote(ManagedChannel channel) {
        try {
            PricingOracleGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).quote(QUOTE);
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    private double refused() {
        return meters.get("tokenflow.connections.refused").counter().count();
    }

    @Test
    void aConnectionOverTheCapIsClosedOnAcceptAndAPlaceFreedIsTakenAgain() throws Exception {
        ManagedChannel first = channel();
        ManagedChannel second = channel();
        assertEquals(Status.Code.OK, quote(first).getCode());
        assertEquals(Status.Code.OK, quote(second).getCode());
        assertEquals(2, cap.open());
        assertEquals(2.0, meters.get("tokenflow.connections.open").gauge().value());

        ManagedChannel third = channel();
        Status refusedCall = quote(third);
        assertEquals(Status.Code.UNAVAILABLE, refusedCall.getCode(), refusedCall.toString());
        assertTrue(refused() >= 1, "counted");
        try (Socket raw = new Socket("127.0.0.1", port)) {
            raw.setSoTimeout(10_000);
            InputStream in = raw.getInputStream();
            assertEquals(-1, in.read(), "the server closed the connection (a timeout would throw)");
        }
        assertEquals(2, cap.open(), "the refused ones hold no place");

        first.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        await("the closed connection's place freed", () -> cap.open() == 1);
        ManagedChannel fourth = channel();
        assertEquals(Status.Code.OK, quote(fourth).getCode());
        assertEquals(Status.Code.OK, quote(second).getCode(), "connections within the cap are untouched");
        assertEquals(2, cap.open());
    }

    @Test
    void aCapBelowOneIsRefusedNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConnectionCap(0, new SimpleMeterRegistry()));
        assertEquals("--max-connections must be >= 1, got 0", e.getMessage());
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
}
