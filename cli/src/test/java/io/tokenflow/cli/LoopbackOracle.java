package io.tokenflow.cli;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/** A real oracle on an ephemeral loopback port, for the CLI's client commands to talk to. */
final class LoopbackOracle implements AutoCloseable {
    final LeaderOracle oracle;
    final String target;
    private final OracleServer server;

    private LoopbackOracle(LeaderOracle oracle, OracleServer server) {
        this.oracle = oracle;
        this.server = server;
        this.target = "127.0.0.1:" + server.port();
    }

    static LoopbackOracle start(String scenario) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LeaderOracle oracle = LeaderOracle.start(EmbeddedScenarios.get(scenario), OracleConfig.builder().build(),
                meters);
        try {
            return new LoopbackOracle(oracle, new OracleServer(
                    NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), oracle, meters,
                    Clock.systemUTC()).start());
        } catch (Exception | Error e) {
            oracle.close();
            throw e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            server.stop(Duration.ofSeconds(1));
        } finally {
            oracle.close();
        }
    }
}
