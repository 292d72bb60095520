package io.tokenflow.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.ControllableEngine;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A five-node leader served in-process, as {@link InProcessLeader} but on the test's {@link ControllableEngine}
 * (so a test can hold, fail or read back the re-clears), with fast retries and a batch limit of 5 that a
 * six-entry call exceeds. Shared by {@link ReadRpcTest}, {@link UpdateRpcTest} and {@link StreamAndHealthRpcTest}
 * as a {@code @RegisterExtension} field: a fresh leader per test (JUnit makes a test instance per method),
 * closed after it.
 */
final class ControllableLeader implements AfterEachCallback, AutoCloseable {
    private final AtomicReference<ControllableEngine> engine = new AtomicReference<>();
    final LeaderOracle oracle;
    final OracleServer server;
    final ManagedChannel channel;
    final PricingOracleGrpc.PricingOracleBlockingStub stub;

    /** @throws UncheckedIOException the in-process server did not start (unchecked: tests start it in a field initializer) */
    ControllableLeader() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"),
                OracleConfig.builder().retryDelay(Duration.ofMillis(20)).maxBatchSize(5).build(), meters,
                ControllableEngine.factory(engine));
        String name = InProcessServerBuilder.generateName();
        try {
            server = new OracleServer(InProcessServerBuilder.forName(name).directExecutor(), oracle, meters,
                    Clock.systemUTC()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = PricingOracleGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    ControllableEngine engine() {
        return engine.get();
    }

    QuoteResponse quote(String origin, String cls) {
        return stub.quote(QuoteRequest.newBuilder().setOrigin(origin).setWorkloadClass(cls).build());
    }

    static void assertStatus(Status.Code code, String message, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals(message, e.getStatus().getDescription());
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ofSeconds(1));
        oracle.close();
    }
}
