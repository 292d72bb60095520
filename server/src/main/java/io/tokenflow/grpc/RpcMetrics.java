package io.tokenflow.grpc;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerStreamTracer;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;

/**
 * Times every call of one service from its headers to its end, per method and final status code, as the
 * histogram {@code tokenflow.rpc.server.duration}. A stream tracer, not an interceptor: the transport tells
 * it how every stream ended, including those the application never closes: a client's cancel (CANCELLED),
 * a deadline (DEADLINE_EXCEEDED), a request over the size limit (RESOURCE_EXHAUSTED), besides every status
 * the service and the interceptors close calls with. Only the service's own method names become tags, so a
 * caller cannot grow the metric with made-up ones.
 *
 * <p>Deadlines: a client whose deadline passes cancels the stream itself, so the server sees a cancel
 * that arrives a network delay before its own copy of the deadline. A cancel within
 * {@link #DEADLINE_SLACK_NANOS} of the deadline the client sent (grpc-timeout) counts as DEADLINE_EXCEEDED.
 *
 * <p>Each method's timers sit in an array indexed by status code, created on first use, so the hot path
 * costs one map read, one array read and one record. Thread-safe.
 */
final class RpcMetrics extends ServerStreamTracer.Factory {
    static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int CODES = Status.Code.values().length;
    private static final Metadata.Key<String> TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
    private static final ServerStreamTracer UNTRACED = new ServerStreamTracer() {};

    private final MeterRegistry meters;
    private final String prefix;
    private final Set<String> methods;
    private final Map<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

    RpcMetrics(MeterRegistry meters, ServiceDescriptor service) {
        this.meters = meters;
        this.prefix = service.getName() + "/";
        this.methods = service.getMethods().stream().map(MethodDescriptor::getBareMethodName)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        if (!fullMethodName.startsWith(prefix) || !methods.contains(fullMethodName.substring(prefix.length()))) {
            return UNTRACED;
        }
        long started = System.nanoTime();
        String method = fullMethodName.substring(prefix.length());
        long timeout = timeoutNanos(headers.get(TIMEOUT));
        AtomicReferenceArray<Timer> byCode = timers.computeIfAbsent(method, m -> new AtomicReferenceArray<>(CODES));
        return new ServerStreamTracer() {
            @Override
            public void streamClosed(Status status) {
                long took = System.nanoTime() - started;
                Status.Code code = status.getCode();
                if (code == Status.Code.CANCELLED && timeout >= 0 && took >= timeout - DEADLINE_SLACK_NANOS) {
                    code = Status.Code.DEADLINE_EXCEEDED;
                }
                timer(byCode, method, code).record(took, TimeUnit.NANOSECONDS);
            }
        };
    }

    /** A grpc-timeout value (1 to 8 digits and a unit, H M S m u n) in nanoseconds; -1 when absent or malformed. */
    static long timeoutNanos(String value) {
        if (value == null || value.length() < 2 || value.length() > 9) {
            return -1;
        }
        long amount = 0;
        for (int i = 0; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            amount = amount * 10 + (c - '0');
        }
        TimeUnit unit = switch (value.charAt(value.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? -1 : unit.toNanos(amount);
    }

    private Timer timer(AtomicReferenceArray<Timer> byCode, String method, Status.Code code) {
        Timer timer = byCode.get(code.value());
        if (timer == null) {
            // registering twice returns the same timer, so a lost race is harmless
            timer = Timer.builder("tokenflow.rpc.server.duration")
                    .description("Server-side latency of tokenflow.v1.PricingOracle calls, by final status")
                    .tag("method", method)
                    .tag("code", code.name())
                    .publishPercentileHistogram()
                    .register(meters);
            byCode.set(code.value(), timer);
        }
        return timer;
    }
}
