package io.tokenflow.grpc;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.service.Oracle;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server around an oracle of either role (a leader or a read replica): tokenflow.v1.PricingOracle (timed per method), grpc.health.v1
 * and server reflection. Owns the server's lifecycle: {@link #start}, graceful {@link #stop} and
 * {@link #blockUntilShutdown}. Takes a {@link ServerBuilder} so tests pass an in-process one; the
 * caller sets the transport (address, executor, message limits) on it.
 */
public final class OracleServer {
    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final PricingOracleGrpcService service;
    private final Oracle oracle;

    public OracleServer(ServerBuilder<?> builder, Oracle oracle, MeterRegistry meters, Clock clock) {
        this(builder, oracle, meters, clock, List.of());
    }

    /**
     * With access control: {@code access} (outermost first, e.g. authentication then rate limits) on
     * PricingOracle and reflection; health stays open. Every PricingOracle call is timed by its final status
     * ({@link RpcMetrics}), refused ones too.
     */
    public OracleServer(ServerBuilder<?> builder, Oracle oracle, MeterRegistry meters, Clock clock,
            List<ServerInterceptor> access) {
        this.oracle = oracle;
        this.service = new PricingOracleGrpcService(oracle, clock);
        List<ServerInterceptor> chain = new ArrayList<>(access);
        Collections.reverse(chain); // ServerInterceptors calls the last one first
        List<ServerInterceptor> withMetrics = new ArrayList<>(chain);
        withMetrics.add(new InternalErrorWording());
        UnparsableRequests unparsable = new UnparsableRequests(meters);
        TransportLog.quiet(meters);
        this.server = builder
                .addStreamTracerFactory(new RpcMetrics(meters, PricingOracleGrpc.getServiceDescriptor()))
                .addService(ServerInterceptors.intercept(unparsable.guard(service.bindService()), withMetrics))
                .addService(unparsable.guard(health.getHealthService().bindService()))
                .addService(ServerInterceptors.intercept(
                        unparsable.guard(ProtoReflectionServiceV1.newInstance().bindService()), chain))
                .build();
    }

    /**
     * Starts listening and reports SERVING once the oracle has a version: a leader has cleared its
     * first by now; a read replica reports NOT_SERVING until it adopts its first (then SERVING, stale
     * or not).
     */
    public OracleServer start() throws IOException {
        server.start();
        if (oracle.ready()) {
            serving(ServingStatus.SERVING);
        } else {
            serving(ServingStatus.NOT_SERVING);
            oracle.subscribe(s -> serving(ServingStatus.SERVING));
            if (oracle.ready()) {
                serving(ServingStatus.SERVING);
            }
        }
        return this;
    }

    private synchronized void serving(ServingStatus status) {
        health.setStatus("", status);
        health.setStatus(PricingOracleGrpc.SERVICE_NAME, status);
    }

    /** The port bound (useful with port 0); -1 for in-process servers. */
    public int port() {
        return server.getPort();
    }

    /**
     * Stops gracefully: health turns NOT_SERVING (load balancers drain), watch streams end with
     * UNAVAILABLE, calls in flight may finish within {@code grace}, then the rest is cancelled.
     */
    public void stop(Duration grace) throws InterruptedException {
        synchronized (this) {
            health.enterTerminalState();
        }
        service.closeWatches();
        service.stopRetail();
        server.shutdown();
        if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }
}
