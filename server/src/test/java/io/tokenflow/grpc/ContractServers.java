package io.tokenflow.grpc;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerInterceptor;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.PricingOracleGrpc.PricingOracleBlockingStub;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.security.AuthConfig;
import io.tokenflow.security.AuthInterceptor;
import io.tokenflow.service.ClearingEngine;
import io.tokenflow.service.ControllableEngine;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.Oracle;
import io.tokenflow.service.OracleConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The real servers {@link StatusContractTest} provokes statuses on: a leader whose engine and clock the test
 * can break, served over loopback Netty with {@code --auth} and a 64 KiB message limit, and in-process servers
 * for the cases auth would mask. {@link #close()} shuts channels and servers newest first, so a channel goes
 * before its server, and only then the oracles they serve.
 */
final class ContractServers implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String AUTH = """
            {"principals": [
              {"name": "router-a", "role": "router", "tokenSha256": "%s"},
              {"name": "dallas-dc", "role": "provider", "nodes": ["dallas"], "tokenSha256": "%s"},
              {"name": "ops", "role": "operator", "tokenSha256": "%s"}]}
            """.formatted(AuthConfig.sha256Hex("router-token"), AuthConfig.sha256Hex("provider-token"),
            AuthConfig.sha256Hex("ops-token"));
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private final AtomicReference<ControllableEngine> engine = new AtomicReference<>();
    final AtomicBoolean engineBug = new AtomicBoolean();
    final AtomicBoolean clockBroken = new AtomicBoolean();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private LeaderOracle leader;
    private OracleServer guarded;
    private ManagedChannel toGuarded;

    /** The server's clock, which throws while {@link #clockBroken} (a bug inside a handler). */
    private final Clock clock = new BreakableClock(clockBroken);

    /** The test's controllable engine, which throws (a bug, not a solver verdict) while {@code bug} is set. */
    static Function<Scenario, ClearingEngine> breakable(AtomicReference<ControllableEngine> engine, AtomicBoolean bug) {
        return scenario -> {
            ClearingEngine real = ControllableEngine.factory(engine).apply(scenario);
            return new ClearingEngine() {
                @Override
                public ClearingResult applyAndClear(List<MarketUpdate> updates) {
                    if (bug.get()) {
                        throw new IllegalStateException("the test broke the engine");
                    }
                    return real.applyAndClear(updates);
                }

                @Override
                public Scenario scenario() {
                    return real.scenario();
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        };
    }

    void start() throws IOException {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        leader = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder()
                .retryDelay(Duration.ofMillis(20)).maxBatchSize(5).breakerWindow(1000).breakerFailureRatePercent(100)
                .build(), meters, breakable(engine, engineBug));
        closing.add(leader);
        guarded = netty(List.of(new AuthInterceptor(AuthConfig.parse(AUTH, "auth.json"))));
        toGuarded = loopback(guarded, 64 * 1024 * 1024);
    }

    OracleServer netty(List<ServerInterceptor> access) throws IOException {
        OracleServer s = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor().maxInboundMessageSize(MAX_MESSAGE_BYTES), leader, new SimpleMeterRegistry(), clock,
                access).start();
        closing.add(0, () -> s.stop(Duration.ofMillis(200)));
        return s;
    }

    ManagedChannel loopback(OracleServer server, int maxInbound) {
        ManagedChannel c = Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create())
                .maxInboundMessageSize(maxInbound).build();
        closing.add(0, () -> c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return c;
    }

    ManagedChannel inProcess(Oracle oracle, List<ServerInterceptor> access) throws IOException {
        String name = InProcessServerBuilder.generateName();
        OracleServer s = new OracleServer(InProcessServerBuilder.forName(name).directExecutor(), oracle,
                new SimpleMeterRegistry(), clock, access).start();
        ManagedChannel c = InProcessChannelBuilder.forName(name).directExecutor().build();
        closing.add(0, () -> s.stop(Duration.ofMillis(200)));
        closing.add(0, () -> c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return c;
    }

    LeaderOracle leader() {
        return leader;
    }

    ControllableEngine engine() {
        return engine.get();
    }

    OracleServer guarded() {
        return guarded;
    }

    ManagedChannel toGuarded() {
        return toGuarded;
    }

    /** An oracle the test started: closed after every server, which may still be serving it. */
    void closeAfterServers(AutoCloseable oracle) {
        closing.add(oracle);
    }

    @Override
    public void close() throws Exception {
        engineBug.set(false);
        clockBroken.set(false);
        if (engine.get() != null) {
            engine.get().setFailing(false);
            engine.get().open();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    static PricingOracleBlockingStub as(ManagedChannel channel, String token) {
        PricingOracleBlockingStub stub = PricingOracleGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
        if (token == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
