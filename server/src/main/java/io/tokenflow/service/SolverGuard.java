package io.tokenflow.service;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenflow.market.clearing.ClearingFailedException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs solver work on the one thread that owns the engine, guarded as
 * {@code CircuitBreaker(TimeLimiter(solve))}, both named {@value #NAME} in metrics.
 *
 * <p>The time limiter stops waiting, not the solver: native simplex code cannot be interrupted, so a
 * solve that runs over keeps the solver thread until the solver's own time limit (set to the same
 * duration) stops it, and the next call queues behind it. The breaker opens once the share of failures
 * among the last {@link OracleConfig#breakerWindow()} calls reaches
 * {@link OracleConfig#breakerFailureRatePercent()} (never on fewer calls than the window), so a sick
 * solver is not hammered while one transient failure freezes nothing; while open, calls fail at once
 * with {@code BREAKER_OPEN}, and the first call {@link OracleConfig#breakerOpenFor()} later by the
 * config's clock is a half-open trial.
 *
 * <p>Thread-safe; {@link #call} is meant for one caller at a time (the re-clear loop).
 */
final class SolverGuard implements AutoCloseable {
    static final String NAME = "reclear";

    private final ExecutorService solverThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tokenflow-solver");
        t.setDaemon(true);
        return t;
    });
    private final CircuitBreaker breaker;
    private final TimeLimiter limiter;

    SolverGuard(OracleConfig config, MeterRegistry meters) {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.breakerWindow())
                // judge only a full window: with fewer calls one transient failure would be "100 %"
                .minimumNumberOfCalls(config.breakerWindow())
                .failureRateThreshold(config.breakerFailureRatePercent())
                .waitDurationInOpenState(config.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                // open → half-open on the first call after breakerOpenFor by the injected clock (the
                // re-clear loop retries every retryDelay), not on a timer of its own that ignores the clock
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(config.clock())
                .build());
        TimeLimiterRegistry limiters = TimeLimiterRegistry.of(TimeLimiterConfig.custom()
                .timeoutDuration(config.clearTimeout())
                .cancelRunningFuture(true)
                .build());
        this.breaker = breakers.circuitBreaker(NAME);
        this.limiter = limiters.timeLimiter(NAME);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(limiters).bindTo(meters);
    }

    CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /**
     * Runs {@code work} on the solver thread within the limits.
     *
     * @throws ReclearFailedException saying whether it timed out, failed or was refused by the breaker
     */
    <T> T call(Supplier<T> work) {
        Callable<T> timed = TimeLimiter.decorateFutureSupplier(limiter,
                () -> CompletableFuture.supplyAsync(work, solverThread));
        try {
            return CircuitBreaker.decorateCallable(breaker, timed).call();
        } catch (CallNotPermittedException e) {
            throw new ReclearFailedException(ReclearFailedException.Reason.BREAKER_OPEN,
                    "circuit breaker '" + NAME + "' is open after repeated re-clear failures", e);
        } catch (TimeoutException e) {
            throw new ReclearFailedException(ReclearFailedException.Reason.TIMEOUT,
                    "re-clear ran over its limit of " + limiter.getTimeLimiterConfig().getTimeoutDuration().toMillis()
                            + " ms", e);
        } catch (ClearingFailedException e) {
            throw new ReclearFailedException(ReclearFailedException.Reason.SOLVER, "re-clear failed: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new ReclearFailedException(ReclearFailedException.Reason.SOLVER,
                    "re-clear failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} on the solver thread, unguarded, waiting at most {@code seconds} (for shutdown). */
    void runLast(Runnable work, long seconds) {
        solverThread.execute(work);
        solverThread.shutdown();
        try {
            solverThread.awaitTermination(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        solverThread.shutdownNow();
    }
}
