package io.tokenflow.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Times every call from its start to its close, per method and status code, as the histogram
 * {@code tokenflow.rpc.server.duration}. Each method's timers sit in an array indexed by status code,
 * created on first use, so the hot path costs one map read, one array read and one record. Being the
 * outermost interceptor it also words INTERNAL answers made from exceptions ({@link StatusMapping#forClient}).
 */
final class RpcMetricsInterceptor implements ServerInterceptor {
    private static final int CODES = Status.Code.values().length;

    private final MeterRegistry meters;
    private final Map<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

    RpcMetricsInterceptor(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getBareMethodName();
        AtomicReferenceArray<Timer> byCode = timers.computeIfAbsent(method, m -> new AtomicReferenceArray<>(CODES));
        ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                timer(byCode, method, status.getCode()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                super.close(StatusMapping.forClient(method, status), trailers);
            }
        };
        return next.startCall(timed, headers);
    }

    private Timer timer(AtomicReferenceArray<Timer> byCode, String method, Status.Code code) {
        Timer timer = byCode.get(code.value());
        if (timer == null) {
            // registering twice returns the same timer, so a lost race is harmless
            timer = Timer.builder("tokenflow.rpc.server.duration")
                    .description("Server-side latency of tokenflow.v1.PricingOracle calls")
                    .tag("method", method)
                    .tag("code", code.name())
                    .publishPercentileHistogram()
                    .register(meters);
            byCode.set(code.value(), timer);
        }
        return timer;
    }
}
