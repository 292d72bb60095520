package io.tokenflow.client;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real oracle served in-process under a fixed name. The gRPC server can be stopped and started again
 * under the same name (the oracle, and so its versions, live on), and a switch refuses WatchPrices calls
 * with UNAVAILABLE so that tests can keep the stream down while the unary calls work.
 */
final class InProcessOracle implements AutoCloseable {
    final String name = InProcessServerBuilder.generateName();
    final LeaderOracle oracle;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<ServerInterceptor> interceptors;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private OracleServer server;
    volatile boolean refuseWatch;
    /** While set, new calls get no answer at all, as from a frozen process (SIGSTOP, a long pause). */
    volatile boolean frozen;

    private InProcessOracle(Scenario scenario, List<ServerInterceptor> interceptors) {
        this.oracle = LeaderOracle.start(scenario, OracleConfig.builder().retryDelay(Duration.ofMillis(20)).build(),
                meters);
        this.interceptors = interceptors;
    }

    static InProcessOracle start(String scenario, ServerInterceptor... interceptors) throws Exception {
        return start(EmbeddedScenarios.get(scenario), interceptors);
    }

    static InProcessOracle start(Scenario scenario, ServerInterceptor... interceptors) throws Exception {
        InProcessOracle o = new InProcessOracle(scenario, List.of(interceptors));
        o.startServer();
        return o;
    }

    synchronized void startServer() throws Exception {
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
        builder.intercept(new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                if (frozen) {
                    return new ServerCall.Listener<>() {}; // never answered, never closed: the caller's deadline ends it
                }
                if (refuseWatch && call.getMethodDescriptor().getBareMethodName().equals("WatchPrices")) {
                    call.close(Status.UNAVAILABLE.withDescription("watch refused by the test"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        });
        interceptors.forEach(builder::intercept);
        server = new OracleServer(builder, oracle, meters, Clock.systemUTC()).start();
    }

    synchronized void stopServer() throws InterruptedException {
        if (server != null) {
            server.stop(Duration.ofMillis(200));
            server = null;
        }
    }

    ManagedChannel channel() {
        ManagedChannel c = InProcessChannelBuilder.forName(name).build();
        synchronized (channels) {
            channels.add(c);
        }
        return c;
    }

    /** Forgets the channels' reconnect backoff (after a restart), as a long-lived router would wait out. */
    void resetConnectBackoff() {
        synchronized (channels) {
            channels.forEach(ManagedChannel::resetConnectBackoff);
        }
    }

    /** A refusing interceptor: every call fails with {@code status}. */
    static ServerInterceptor refuseAll(Status status) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                call.close(status, new Metadata());
                return new ServerCall.Listener<>() {};
            }
        };
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        try {
            synchronized (channels) {
                for (ManagedChannel c : channels) {
                    c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            stopServer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            oracle.close();
        }
    }
}
