package io.tokenflow.service;

import io.tokenflow.market.clearing.ClearingFailedException;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.solution.ClearingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The real warm engine with switches for tests: hold re-clears at a gate, make them slow, or make
 * them fail as a broken solver would. Records every batch it is given.
 */
public final class ControllableEngine implements ClearingEngine {
    private final WarmClearingEngine real;
    private final List<List<MarketUpdate>> batches = Collections.synchronizedList(new ArrayList<>());
    private volatile CountDownLatch gate;
    private volatile boolean failing;
    private volatile long sleepMillis;

    private ControllableEngine(Scenario scenario) {
        this.real = new WarmClearingEngine(scenario, SolverKind.GLOP, Duration.ofSeconds(30));
    }

    /** An engine factory that hands the engine it makes to {@code created}. */
    public static Function<Scenario, ClearingEngine> factory(AtomicReference<ControllableEngine> created) {
        return scenario -> {
            ControllableEngine engine = new ControllableEngine(scenario);
            created.set(engine);
            return engine;
        };
    }

    @Override
    public ClearingResult applyAndClear(List<MarketUpdate> updates) {
        batches.add(List.copyOf(updates));
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClearingFailedException("interrupted at the test gate");
            }
        }
        if (sleepMillis > 0) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failing) {
            throw new ClearingFailedException("injected solver failure");
        }
        return real.applyAndClear(updates);
    }

    @Override
    public Scenario scenario() {
        return real.scenario();
    }

    @Override
    public void close() {
        real.close();
    }

    /** Makes the next re-clears wait until {@link #open()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void open() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    public void setFailing(boolean failing) {
        this.failing = failing;
    }

    public void setSleepMillis(long millis) {
        this.sleepMillis = millis;
    }

    public List<List<MarketUpdate>> batches() {
        synchronized (batches) {
            return List.copyOf(batches);
        }
    }
}
