package io.tokenflow.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import io.tokenflow.service.ReplicaOracle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica's log and stale reason say what really failed: "unreachable" only when the leader is; a
 * leader that answers, but refuses the price stream or GetMarket, is named with its status and message.
 */
class LeaderFollowerLogTest {
    private static final String LEADER = "leader.example:50051";

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    private final Logger log = Logger.getLogger(LeaderFollower.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @AfterEach
    void stop() throws Exception {
        log.removeHandler(capture);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** Refuses {@code method} of PricingOracle with {@code status}, as a leader's access rules or limits would. */
    private static ServerInterceptor refusing(String method, Status status) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                if (call.getMethodDescriptor().getBareMethodName().equals(method)) {
                    call.close(status, new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {}, headers);
            }
        };
    }

    /** A replica following a five-node leader whose server refuses as {@code access} says; returns the replica. */
    private ReplicaOracle follow(ServerInterceptor access) throws Exception {
        log.addHandler(capture);
        LeaderOracle leader = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder().build(),
                new SimpleMeterRegistry());
        closing.add(leader);
        String name = InProcessServerBuilder.generateName();
        OracleServer server = new OracleServer(InProcessServerBuilder.forName(name).directExecutor(), leader,
                new SimpleMeterRegistry(), Clock.systemUTC(), List.of(access)).start();
        closing.add(0, () -> server.stop(Duration.ofSeconds(1)));
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        closing.add(0, () -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        ReplicaOracle replica = ReplicaOracle.following(OracleConfig.builder().build(), new SimpleMeterRegistry(),
                LEADER);
        closing.add(0, replica);
        LeaderFollower follower = LeaderFollower.start(PricingOracleClient.builder().channel(channel), LEADER, replica,
                Duration.ofMillis(20), Duration.ofMillis(100));
        closing.add(0, follower);
        return replica;
    }

    @Test
    void aGetMarketTheLeaderRefusesIsLoggedWithItsStatusNotAsUnreachable() throws Exception {
        follow(refusing("GetMarket", Status.RESOURCE_EXHAUSTED.withDescription("the answer is over the limit")));
        await("the failure logged", () -> !logged.isEmpty());
        assertEquals("following the leader " + LEADER + " failed: RESOURCE_EXHAUSTED: the answer is over the limit;"
                + " retrying", logged.get(0));
    }

    @Test
    void aPriceStreamTheLeaderRefusesIsLoggedWithItsStatusNotAsUnreachable() throws Exception {
        ReplicaOracle replica = follow(refusing("WatchPrices", Status.UNAUTHENTICATED.withDescription(
                "no credentials: send authorization: Bearer TOKEN")));
        await("the failure logged", () -> !logged.isEmpty());
        assertEquals("the leader " + LEADER + " ended the price stream: UNAUTHENTICATED no credentials: send"
                + " authorization: Bearer TOKEN; retrying", logged.get(0));
        assertFalse(replica.ready());
    }

    @Test
    void unreachableIsSaidOnlyOfALeaderThatIsNot() {
        assertEquals("the leader h:1 is unreachable: UNAVAILABLE io exception",
                LeaderFollower.streamLostReason("h:1", "UNAVAILABLE io exception"));
        assertTrue(LeaderFollower.streamLostReason("h:1", "CANCELLED the oracle did not answer a health check"
                + " within 2000 ms (DEADLINE_EXCEEDED)").contains("is unreachable"));
        assertEquals("the leader h:1 ended the price stream: PERMISSION_DENIED router-a may not",
                LeaderFollower.streamLostReason("h:1", "PERMISSION_DENIED router-a may not"));
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
