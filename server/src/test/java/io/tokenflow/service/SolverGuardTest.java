package io.tokenflow.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.market.clearing.ClearingFailedException;
import io.tokenflow.testing.MutableClock;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The re-clear breaker as docs/oracle.md states it: judged on a full window, timed by the config's clock. */
class SolverGuardTest {
    private final MutableClock clock = new MutableClock();
    private SolverGuard guard;

    @AfterEach
    void close() {
        if (guard != null) {
            guard.close();
        }
    }

    private SolverGuard guard(int window, float percent) {
        guard = new SolverGuard(OracleConfig.builder().clock(clock).breakerWindow(window)
                .breakerFailureRatePercent(percent).breakerOpenFor(Duration.ofSeconds(10)).build(),
                new SimpleMeterRegistry());
        return guard;
    }

    private static final Supplier<String> OK = () -> "cleared";
    private static final Supplier<String> FAILS = () -> {
        throw new ClearingFailedException("GLOP stopped with status ABNORMAL");
    };

    private ReclearFailedException.Reason failure(Supplier<String> work) {
        return assertThrows(ReclearFailedException.class, () -> guard.call(work)).reason();
    }

    @Test
    void oneTransientFailureDoesNotOpenTheBreaker() {
        guard(4, 50);
        assertEquals(ReclearFailedException.Reason.SOLVER, failure(FAILS));
        assertEquals(CircuitBreaker.State.CLOSED, guard.breakerState(), "1 call of a window of 4");
        assertEquals("cleared", guard.call(OK));
        assertEquals("cleared", guard.call(OK));
        assertEquals("cleared", guard.call(OK));
        assertEquals(CircuitBreaker.State.CLOSED, guard.breakerState(), "1 of 4 failed: 25 % < 50 %");
    }

    @Test
    void halfOfTheLastFourOpensItAndItHalfOpensOnlyWhenTheClockSaysSo() {
        guard(4, 50);
        guard.call(OK);
        failure(FAILS);
        assertEquals(CircuitBreaker.State.CLOSED, guard.breakerState(), "2 calls: the window is not full");
        guard.call(OK);
        assertEquals(CircuitBreaker.State.CLOSED, guard.breakerState(), "3 calls, 1 failed");
        failure(FAILS);
        assertEquals(CircuitBreaker.State.OPEN, guard.breakerState(), "4 calls, 2 failed: 50 %");
        assertEquals(ReclearFailedException.Reason.BREAKER_OPEN, failure(OK), "open: refused without a solve");

        clock.advance(Duration.ofSeconds(9));
        assertEquals(ReclearFailedException.Reason.BREAKER_OPEN, failure(OK), "9 s of 10 by the clock");
        clock.advance(Duration.ofSeconds(2));
        assertEquals("cleared", guard.call(OK), "the half-open trial");
        assertEquals(CircuitBreaker.State.CLOSED, guard.breakerState(), "the trial succeeded");
    }

    @Test
    void aFailedTrialOpensItAgainForAnotherFullWait() {
        guard(2, 50);
        failure(FAILS);
        failure(FAILS);
        assertEquals(CircuitBreaker.State.OPEN, guard.breakerState());
        clock.advance(Duration.ofSeconds(11));
        assertEquals(ReclearFailedException.Reason.SOLVER, failure(FAILS), "the trial ran and failed");
        assertEquals(CircuitBreaker.State.OPEN, guard.breakerState());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(ReclearFailedException.Reason.BREAKER_OPEN, failure(OK));
    }
}
