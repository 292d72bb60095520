package io.tokenflow.grpc;

import io.tokenflow.service.LogRecorder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Garbage request bodies get INVALID_ARGUMENT, a counter and a rate-limited line, not a trace per call. */
class UnparsableRequestsTest {
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final byte[] GARBAGE = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};

    private static Status send(ManagedChannel channel, String method, MethodDescriptor.MethodType type)
            throws Exception {
        MethodDescriptor<byte[], byte[]> md = MethodDescriptor.newBuilder(RAW, RAW).setType(type)
                .setFullMethodName(method).build();
        CompletableFuture<Status> done = new CompletableFuture<>();
        ClientCall<byte[], byte[]> call = channel.newCall(md, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                done.complete(status);
            }
        }, new Metadata());
        call.sendMessage(GARBAGE);
        call.halfClose();
        call.request(1);
        return done.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aFloodOfGarbageBodiesIsAnsweredAndCountedInAFewLogLines() throws Exception {
        LogRecorder capture = new LogRecorder();
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LeaderOracle oracle = LeaderOracle.start(EmbeddedScenarios.get("two-node"), OracleConfig.builder().build(),
                meters);
        OracleServer server = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor(), oracle, meters, Clock.systemUTC()).start();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            AtomicInteger invalid = new AtomicInteger();
            String[] methods = {"grpc.health.v1.Health/Check", "tokenflow.v1.PricingOracle/Quote",
                "tokenflow.v1.PricingOracle/WatchPrices"};
            for (int i = 0; i < 2_000; i++) {
                String method = methods[i % methods.length];
                Status status = send(channel, method, method.endsWith("WatchPrices")
                        ? MethodDescriptor.MethodType.SERVER_STREAMING : MethodDescriptor.MethodType.UNARY);
                assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), method + ": " + status);
                assertEquals("the request body is not a valid message of " + method, status.getDescription());
                invalid.incrementAndGet();
            }
            double counted = meters.find("tokenflow.rpc.unparsable").counters().stream().mapToDouble(c -> c.count())
                    .sum();
            assertEquals(2_000, counted);
            int logged = capture.records().size();
            assertTrue(logged < 100, logged + " log records for 2,000 garbage calls");
            // the service is unharmed, and well-formed calls still work on every guarded service
            assertEquals(Status.Code.OK, Status.fromThrowable(catchStatus(() -> PricingOracleGrpc
                    .newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .quote(QuoteRequest.newBuilder().setOrigin("a").setWorkloadClass("chat").build()))).getCode());
            assertEquals(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus());
        } finally {
            root.removeHandler(capture);
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.stop(Duration.ofMillis(200));
            oracle.close();
        }
    }

    private static Throwable catchStatus(Runnable call) {
        try {
            call.run();
            return Status.OK.asRuntimeException();
        } catch (RuntimeException e) {
            return e;
        }
    }
}
