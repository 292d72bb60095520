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

/**
 * Times every call from its start to its close, per method and status code, as the histogram
 * {@code tokenflow.rpc.server.duration}. Timers are looked up once per (method, code) and reused, so
 * the hot path costs two map reads and one record.
 */
final class RpcMetricsInterceptor implements ServerInterceptor {
    private final MeterRegistry meters;
    private final Map<String, Map<Status.Code, Timer>> timers = new ConcurrentHashMap<>();

    RpcMetricsInterceptor(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getBareMethodName();
        ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                timer(method, status.getCode()).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                super.close(status, trailers);
            }
        };
        return next.startCall(timed, headers);
    }

    private Timer timer(String method, Status.Code code) {
        return timers.computeIfAbsent(method, m -> new ConcurrentHashMap<>())
                .computeIfAbsent(code, c -> Timer.builder("tokenflow.rpc.server.duration")
                        .description("Server-side latency of tokenflow.v1.PricingOracle calls")
                        .tag("method", method)
                        .tag("code", code.name())
                        .publishPercentileHistogram()
                        .register(meters));
    }
}
