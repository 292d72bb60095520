package io.tokenflow.service;

import io.tokenflow.market.clearing.SolverKind;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the oracle runs its market: solver, the default penalty that keeps the live market clearing,
 * the re-clear guard, and the sizes of its caches and histories. Immutable; build it with
 * {@link #builder()}, whose setters fail fast naming the offending value.
 *
 * @param defaultUnservedPenaltyPerMTokens ρ given to every must-serve class in serve mode, so that
 *                                         over-demand caps prices at ρ and reports unserved demand
 *                                         instead of making the market INFEASIBLE
 * @param clearTimeout                     a re-clear running longer fails (TimeLimiter + solver limit)
 * @param retryDelay                       wait after a failed re-clear before the next attempt
 * @param breakerWindow                    re-clears the circuit breaker looks back over
 * @param breakerFailureRatePercent        failure rate in the window that opens the breaker
 * @param breakerOpenFor                   how long an open breaker refuses re-clears
 * @param settlementHistory                cleared versions whose settlement stays exportable
 * @param priceHistory                     cleared versions whose prices and causes PriceHistory answers
 * @param cacheMaxEntries                  bound of each Caffeine cache (quotes, sites, splits)
 * @param maxBatchSize                     most updates one RPC may carry
 */
public record OracleConfig(
        SolverKind solverKind,
        double defaultUnservedPenaltyPerMTokens,
        Duration clearTimeout,
        Duration retryDelay,
        int breakerWindow,
        float breakerFailureRatePercent,
        Duration breakerOpenFor,
        int settlementHistory,
        int priceHistory,
        long cacheMaxEntries,
        int maxBatchSize,
        Clock clock) {

    public OracleConfig {
        Objects.requireNonNull(solverKind, "solverKind");
        Objects.requireNonNull(clock, "clock");
        if (!(defaultUnservedPenaltyPerMTokens > 0) || Double.isInfinite(defaultUnservedPenaltyPerMTokens)) {
            throw new IllegalArgumentException("default unserved penalty must be finite and > 0 $/M tokens, got "
                    + defaultUnservedPenaltyPerMTokens);
        }
        positive("clear timeout", clearTimeout);
        positive("retry delay", retryDelay);
        positive("breaker open duration", breakerOpenFor);
        atLeast("breaker window", breakerWindow, 1);
        if (!(breakerFailureRatePercent > 0 && breakerFailureRatePercent <= 100)) {
            throw new IllegalArgumentException("breaker failure rate must be in (0, 100] percent, got "
                    + breakerFailureRatePercent);
        }
        atLeast("settlement history", settlementHistory, 1);
        atLeast("price history", priceHistory, 1);
        atLeast("cache size", cacheMaxEntries, 1);
        atLeast("max batch size", maxBatchSize, 1);
    }

    private static void positive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, got " + value);
        }
    }

    private static void atLeast(String what, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be >= " + min + ", got " + value);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().solverKind(solverKind).defaultUnservedPenaltyPerMTokens(defaultUnservedPenaltyPerMTokens)
                .clearTimeout(clearTimeout).retryDelay(retryDelay).breakerWindow(breakerWindow)
                .breakerFailureRatePercent(breakerFailureRatePercent).breakerOpenFor(breakerOpenFor)
                .settlementHistory(settlementHistory).priceHistory(priceHistory).cacheMaxEntries(cacheMaxEntries)
                .maxBatchSize(maxBatchSize)
                .clock(clock);
    }

    /** Defaults: GLOP, ρ = $1000/M tokens, 10 s per re-clear, breaker over 4 re-clears at 50 %, open 10 s. */
    public static final class Builder {
        private SolverKind solverKind = SolverKind.GLOP;
        private double defaultUnservedPenaltyPerMTokens = 1000;
        private Duration clearTimeout = Duration.ofSeconds(10);
        private Duration retryDelay = Duration.ofSeconds(1);
        private int breakerWindow = 4;
        private float breakerFailureRatePercent = 50;
        private Duration breakerOpenFor = Duration.ofSeconds(10);
        private int settlementHistory = 4096;
        private int priceHistory = 4096;
        private long cacheMaxEntries = 100_000;
        private int maxBatchSize = 10_000;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        public Builder solverKind(SolverKind v) { solverKind = v; return this; }
        public Builder defaultUnservedPenaltyPerMTokens(double v) { defaultUnservedPenaltyPerMTokens = v; return this; }
        public Builder clearTimeout(Duration v) { clearTimeout = v; return this; }
        public Builder retryDelay(Duration v) { retryDelay = v; return this; }
        public Builder breakerWindow(int v) { breakerWindow = v; return this; }
        public Builder breakerFailureRatePercent(float v) { breakerFailureRatePercent = v; return this; }
        public Builder breakerOpenFor(Duration v) { breakerOpenFor = v; return this; }
        public Builder settlementHistory(int v) { settlementHistory = v; return this; }
        public Builder priceHistory(int v) { priceHistory = v; return this; }
        public Builder cacheMaxEntries(long v) { cacheMaxEntries = v; return this; }
        public Builder maxBatchSize(int v) { maxBatchSize = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }

        /** @throws IllegalArgumentException naming the first invalid setting and its value */
        public OracleConfig build() {
            return new OracleConfig(solverKind, defaultUnservedPenaltyPerMTokens, clearTimeout, retryDelay,
                    breakerWindow, breakerFailureRatePercent, breakerOpenFor, settlementHistory, priceHistory,
                    cacheMaxEntries, maxBatchSize, clock);
        }
    }
}
