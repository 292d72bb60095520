package io.tokenflow.security;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-caller rate limits on the four update RPCs, so that one client cannot keep the oracle re-clearing
 * for it alone: each principal (or, without {@code --auth}, each peer IP address) gets a resilience4j
 * {@link RateLimiter} of {@code rate} calls per second, all of which may come at once (the burst). A
 * call over the limit ends with RESOURCE_EXHAUSTED naming the caller and the limit, before the service
 * sees it. Reads are not limited.
 */
public final class UpdateRateLimiter implements ServerInterceptor {
    private static final Set<String> UPDATES = Set.of("UpdateCapacity", "UpdateDemand", "UpdateElectricityPrice",
            "UpdateLinkCapacity");
    /** Keeps the map of limiters bounded when keys are peer addresses. */
    private static final int MAX_CALLERS = 100_000;

    private final int perSecond;
    private final RateLimiterConfig config;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    /** @param perSecond update calls per caller per second; 0 turns the limit off */
    public UpdateRateLimiter(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("--update-rate must be >= 0, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.config = RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, perSecond))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build();
    }

    public int perSecond() {
        return perSecond;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (perSecond == 0 || !"tokenflow.v1.PricingOracle".equals(call.getMethodDescriptor().getServiceName())
                || !UPDATES.contains(call.getMethodDescriptor().getBareMethodName())) {
            return next.startCall(call, headers);
        }
        String caller = caller(call);
        if (limiters.size() > MAX_CALLERS) {
            limiters.clear();
        }
        RateLimiter limiter = limiters.computeIfAbsent(caller, c -> RateLimiter.of(c, config));
        if (!limiter.acquirePermission()) {
            return AuthInterceptor.refuse(call, Status.RESOURCE_EXHAUSTED.withDescription(String.format(Locale.ROOT,
                    "%s is over its update rate limit of %d calls per second (--update-rate); retry later",
                    caller, perSecond)));
        }
        return next.startCall(call, headers);
    }

    private static String caller(ServerCall<?, ?> call) {
        Principal p = AuthInterceptor.PRINCIPAL.get();
        if (p != null) {
            return p.toString();
        }
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return "peer " + inet.getAddress().getHostAddress();
        }
        return "peer " + (remote == null ? "unknown" : remote.toString());
    }
}
