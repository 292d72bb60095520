package io.tokenflow.bench.load;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The bare grpc-java baseline the oracle's Quote is measured against: one unary method,
 * {@value #SERVICE}/Quote, taking the oracle's {@link QuoteRequest} and answering a constant,
 * prebuilt {@link QuoteResponse} with the very marshallers the generated oracle stubs use. Server
 * settings as the oracle's: netty-shaded {@link NettyServerBuilder} bound to 127.0.0.1,
 * {@code directExecutor()}, grpc defaults otherwise.
 *
 * <p>Run: {@code java -cp ... io.tokenflow.bench.load.EchoServer [--port 0] [--response FILE]}, where
 * FILE holds a serialized QuoteResponse (the load script records one off the oracle so both answer
 * the same bytes). Prints {@code listening on 127.0.0.1:<port>} once serving; SIGTERM stops it.
 */
public final class EchoServer {
    /** The echo's service name: distinct from the oracle's so a mixed-up target fails loudly. */
    public static final String SERVICE = "tokenflow.bench.Echo";

    /** The oracle's Quote descriptor (same request/response marshallers) under the echo's name. */
    public static final MethodDescriptor<QuoteRequest, QuoteResponse> QUOTE =
            PricingOracleGrpc.getQuoteMethod().toBuilder()
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Quote"))
                    .setSchemaDescriptor(null)
                    .build();

    private EchoServer() {}

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path responseFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--response" -> responseFile = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: EchoServer [--port 0] [--response FILE]");
                    System.exit(2);
                }
            }
        }
        QuoteResponse response = responseFile != null
                ? QuoteResponse.parseFrom(Files.readAllBytes(responseFile))
                : defaultResponse();
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(QUOTE, ServerCalls.asyncUnaryCall((QuoteRequest request, StreamObserver<QuoteResponse> out) -> {
                    out.onNext(response);
                    out.onCompleted();
                }))
                .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .directExecutor()
                .addService(service)
                .build()
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            stopped.countDown();
        }, "echo-shutdown"));
        InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
        System.out.println("echo: listening on 127.0.0.1:" + bound.getPort() + " (" + response.getSerializedSize()
                + "-byte QuoteResponse" + (responseFile != null ? " from " + responseFile.getFileName() : ", built in")
                + ")");
        System.out.flush();
        server.awaitTermination();
        stopped.await();
    }

    /** A five-node-like answer, used when no response recorded off the oracle is given. */
    static QuoteResponse defaultResponse() {
        return QuoteResponse.newBuilder()
                .setOrigin("us-east")
                .setWorkloadClass("chat")
                .setPricePerMTokens(0.4123456789)
                .setServingNode("us-central")
                .addPath("us-east").addPath("us-central")
                .setEnergy(0.2512345678)
                .setScarcity(0.1012345678)
                .setRouting(0.0398765432)
                .setCongestion(0.0200000001)
                .setMarketVersion(1)
                .setClearedAt(Timestamp.newBuilder().setSeconds(1_790_000_000L).setNanos(123_456_789))
                .setAge(Duration.newBuilder().setSeconds(12).setNanos(345_678_901))
                .build();
    }
}
