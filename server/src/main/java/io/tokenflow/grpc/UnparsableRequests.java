package io.tokenflow.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers a request body that does not parse as its message with INVALID_ARGUMENT, counted in
 * {@code tokenflow.rpc.unparsable{method}} and logged in one line at most every {@value #LOG_EVERY_SECONDS}
 * seconds. Left to grpc-java, the marshaller's exception escapes into the transport: UNKNOWN
 * "Application error processing RPC" and a 60-line SEVERE trace per call, which lets anyone who can reach
 * the port (health is open) flood the log.
 *
 * <p>How: each method of a service gets a request marshaller that returns a marker instead of throwing,
 * and a handler that closes the call when the marker arrives, before the service sees anything.
 * Thread-safe.
 */
final class UnparsableRequests {
    static final long LOG_EVERY_SECONDS = 10;
    private static final System.Logger LOG = System.getLogger(UnparsableRequests.class.getName());
    /** The marker a failed parse leaves in place of a message; never handed to a service. */
    private static final Object UNPARSABLE = new Object();

    private final MeterRegistry meters;
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_EVERY_SECONDS * 2_000_000_000L);
    private final AtomicLong sinceLastLog = new AtomicLong();

    UnparsableRequests(MeterRegistry meters) {
        this.meters = meters;
    }

    /** {@code service} with every method guarded. */
    ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        java.util.List<ServerMethodDefinition<?, ?>> methods = new java.util.ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            methods.add(guard(method));
        }
        // the schema stays, so reflection still describes the service
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(out::addMethod);
        return out.build();
    }

    @SuppressWarnings("unchecked")
    private <Q, R> ServerMethodDefinition<Q, R> guard(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> original = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<Q> parser = original.getRequestMarshaller();
        MethodDescriptor.Marshaller<Q> lenient = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Q value) {
                return parser.stream(value);
            }

            @Override
            public Q parse(InputStream stream) {
                try {
                    return parser.parse(stream);
                } catch (RuntimeException e) {
                    return (Q) UNPARSABLE; // erased: only the guarded handler below ever sees it
                }
            }
        };
        MethodDescriptor<Q, R> descriptor = original.toBuilder(lenient, original.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        String name = original.getFullMethodName();
        Counter refused = Counter.builder("tokenflow.rpc.unparsable").tag("method", name)
                .description("Requests whose body did not parse as the method's message (answered INVALID_ARGUMENT)")
                .register(meters);
        return ServerMethodDefinition.create(descriptor, (call, headers) -> new Guarded<>(handler.startCall(call, headers),
                call, name, refused));
    }

    private final class Guarded<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private final String method;
        private final Counter refused;
        private boolean closed;

        Guarded(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, String method, Counter refused) {
            super(delegate);
            this.call = call;
            this.method = method;
            this.refused = refused;
        }

        @Override
        public void onMessage(Q message) {
            if (closed) {
                return;
            }
            if (message == UNPARSABLE) {
                closed = true;
                refused.increment();
                logRateLimited(method);
                call.close(Status.INVALID_ARGUMENT.withDescription("the request body is not a valid message of "
                        + method), new Metadata());
                return;
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!closed) {
                super.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!closed) {
                super.onReady();
            }
        }
    }

    private void logRateLimited(String method) {
        long count = sinceLastLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last >= LOG_EVERY_SECONDS * 1_000_000_000L && lastLogNanos.compareAndSet(last, now)) {
            sinceLastLog.addAndGet(-count);
            LOG.log(Level.WARNING, count + " request(s) with an unparsable body refused with INVALID_ARGUMENT in the"
                    + " last " + LOG_EVERY_SECONDS + " s, the latest for " + method
                    + " (tokenflow_rpc_unparsable_total counts them all)");
        }
    }
}
