package io.tokenflow.grpc;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A five-node leader served in-process with a blocking stub to it; closed by the test's {@code @AfterEach}. */
final class InProcessLeader implements AutoCloseable {
    final LeaderOracle oracle;
    final OracleServer server;
    final ManagedChannel channel;
    final PricingOracleGrpc.PricingOracleBlockingStub stub;

    InProcessLeader() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder().build(), meters);
        String name = InProcessServerBuilder.generateName();
        server = new OracleServer(InProcessServerBuilder.forName(name).directExecutor(), oracle, meters,
                Clock.systemUTC()).start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = PricingOracleGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.stop(Duration.ofSeconds(1));
        oracle.close();
    }
}
