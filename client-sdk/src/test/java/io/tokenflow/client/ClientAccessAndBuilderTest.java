package io.tokenflow.client;

import static io.tokenflow.client.InProcessOracle.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bearer tokens and access errors, a channel the client makes itself, and the builder's checks. */
class ClientAccessAndBuilderTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Lets through only calls that carry {@code authorization: Bearer secret}. */
    private static final ServerInterceptor BEARER_SECRET = new ServerInterceptor() {
        private final Metadata.Key<String> auth = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            String value = headers.get(auth);
            if (value == null) {
                call.close(Status.UNAUTHENTICATED.withDescription("missing bearer token"), new Metadata());
                return new ServerCall.Listener<>() {};
            }
            if (!value.equals("Bearer secret")) {
                call.close(Status.PERMISSION_DENIED.withDescription("token not allowed"), new Metadata());
                return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
        }
    };

    @Test
    void bearerTokenIsSentAndRefusalsAreAccessDenied() throws Exception {
        InProcessOracle oracle = InProcessOracle.start("five-node", BEARER_SECRET);
        open.add(oracle);
        PricingOracleClient none = client(PricingOracleClient.builder().channel(oracle.channel()).watch(false));
        OracleAccessDeniedException missing = assertThrows(OracleAccessDeniedException.class, none::market);
        assertEquals("UNAUTHENTICATED: missing bearer token", missing.getMessage());

        PricingOracleClient wrong = client(PricingOracleClient.builder().channel(oracle.channel()).bearerToken("guess"));
        OracleAccessDeniedException denied = assertThrows(OracleAccessDeniedException.class,
                () -> wrong.quote("atlantis", "chat"));
        assertEquals("PERMISSION_DENIED", denied.statusCode());

        PricingOracleClient right = client(PricingOracleClient.builder().channel(oracle.channel()).bearerToken("secret"));
        await("a fresh table over the authenticated stream", () -> right.tableStatus().fresh());
        OracleQuote any = right.market().prices().get(0);
        assertEquals(AnswerSource.LOCAL_TABLE, right.quote(any.origin(), any.workloadClass()).source());
    }

    @Test
    void otherStatusesAreInternal() throws Exception {
        InProcessOracle oracle = InProcessOracle.start("five-node",
                InProcessOracle.refuseAll(Status.RESOURCE_EXHAUSTED.withDescription("too many calls")));
        open.add(oracle);
        PricingOracleClient c = client(PricingOracleClient.builder().channel(oracle.channel()).watch(false));
        OracleInternalException e = assertThrows(OracleInternalException.class, c::market);
        assertEquals("RESOURCE_EXHAUSTED: too many calls", e.getMessage());
    }

    @Test
    void aClientMakesItsOwnPlaintextChannelWithRetries() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LeaderOracle service = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder().build(),
                meters);
        open.add(service::close);
        // every other Quote and UpdateDemand attempt fails UNAVAILABLE before reaching the oracle
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        ServerInterceptor flaky = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
                    Metadata headers, ServerCallHandler<Q, R> next) {
                String method = call.getMethodDescriptor().getBareMethodName();
                if ((method.equals("Quote") || method.equals("UpdateDemand")) && attempts.incrementAndGet() % 2 == 1) {
                    call.close(Status.UNAVAILABLE.withDescription("flaky by the test"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
        OracleServer server = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .intercept(flaky), service, meters, Clock.systemUTC()).start();
        open.add(() -> server.stop(Duration.ofMillis(200)));
        PricingOracleClient c = client(PricingOracleClient.builder().target("127.0.0.1:" + server.port())
                .bearerToken("anything").deadline(Duration.ofSeconds(10)));
        await("a fresh table over TCP", () -> c.tableStatus().fresh());
        OracleQuote any = c.market().prices().get(0);
        assertEquals(AnswerSource.LOCAL_TABLE, c.quote(any.origin(), any.workloadClass()).source());
        assertEquals(c.tableStatus().version().orElseThrow(), c.route(any.origin(), any.workloadClass(), "x")
                .marketVersion());

        // the channel the client made retries UNAVAILABLE: each call succeeds on its second attempt
        PricingOracleClient remote = client(PricingOracleClient.builder().target("127.0.0.1:" + server.port())
                .watch(false).deadline(Duration.ofSeconds(10)));
        attempts.set(0);
        assertEquals(AnswerSource.REMOTE, remote.quote(any.origin(), any.workloadClass()).source());
        assertEquals(2, attempts.get(), "one refused attempt, one retry");
        attempts.set(0);
        UpdateAck ack = remote.updateDemand(List.of(new DemandChange("dallas", "chat", 4321)), true);
        assertTrue(ack.cleared());
        assertEquals(2, attempts.get(), "updates set values, so they are retried too");
        // a channel passed in keeps its owner's settings: no retry
        io.grpc.ManagedChannel plain = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext().disableRetry().build();
        open.add(plain::shutdownNow);
        PricingOracleClient unretried = client(PricingOracleClient.builder().channel(plain).watch(false));
        attempts.set(0);
        assertThrows(OracleUnavailableException.class, () -> unretried.quote(any.origin(), any.workloadClass()));
        assertEquals(1, attempts.get());
    }

    @Test
    void builderValidationNamesTheValue() {
        PricingOracleClientBuilder b = PricingOracleClient.builder();
        assertEquals("target must be HOST:PORT, got ' '",
                assertThrows(IllegalArgumentException.class, () -> b.target(" ")).getMessage());
        assertEquals("target must be HOST:PORT, got 'null'",
                assertThrows(IllegalArgumentException.class, () -> b.target(null)).getMessage());
        assertEquals("bearer token must not be empty",
                assertThrows(IllegalArgumentException.class, () -> b.bearerToken("")).getMessage());
        assertEquals("deadline must be > 0, got PT0S",
                assertThrows(IllegalArgumentException.class, () -> b.deadline(Duration.ZERO)).getMessage());
        assertEquals("max table age must be > 0, got PT-1S",
                assertThrows(IllegalArgumentException.class, () -> b.maxTableAge(Duration.ofSeconds(-1))).getMessage());
        assertEquals("initial backoff must be > 0, got null",
                assertThrows(IllegalArgumentException.class, () -> b.backoff(null, Duration.ofSeconds(1))).getMessage());
        assertEquals("max backoff PT0.1S is below initial backoff PT1S",
                assertThrows(IllegalArgumentException.class,
                        () -> b.backoff(Duration.ofSeconds(1), Duration.ofMillis(100))).getMessage());
        assertEquals("channel", assertThrows(NullPointerException.class, () -> b.channel(null)).getMessage());
        assertEquals("give exactly one of target(HOST:PORT) and channel(ManagedChannel)",
                assertThrows(IllegalStateException.class, b::build).getMessage());
        assertTrue(assertThrows(java.io.UncheckedIOException.class,
                () -> PricingOracleClient.builder().target("localhost:1").trustedCertificates(Path.of("no-such.pem"))
                        .build()).getMessage().contains("no-such.pem"));
    }

    private PricingOracleClient client(PricingOracleClientBuilder b) {
        PricingOracleClient c = b.build();
        open.add(c::close);
        return c;
    }
}
