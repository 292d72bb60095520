package io.tokenflow.client;

import static io.tokenflow.client.InProcessOracle.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Readers on several threads while the table swaps versions under them. */
class ClientConcurrencyTest {
    private InProcessOracle oracle;
    private PricingOracleClient client;
    private PricingOracleClient updater;

    @BeforeEach
    void start() throws Exception {
        oracle = InProcessOracle.start("five-node");
        client = PricingOracleClient.builder().channel(oracle.channel())
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        updater = PricingOracleClient.builder().channel(oracle.channel()).watch(false)
                .deadline(Duration.ofSeconds(30)).build();
        await("a fresh table", () -> client.tableStatus().fresh());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        updater.close();
        oracle.close();
    }

    @Test
    void readersNeverFailNorSeeAVersionGoBackDuringSwaps() throws Exception {
        List<OracleQuote> pairs = updater.market().prices();
        MarketView.Rate cap = updater.market().capacities().stream().filter(c -> c.tokensPerSecond() > 0)
                .findFirst().orElseThrow();
        int threads = 4;
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong answers = new AtomicLong();
        AtomicLong highest = new AtomicLong();
        CountDownLatch started = new CountDownLatch(threads);
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            Thread reader = new Thread(() -> {
                long last = 0;
                started.countDown();
                int i = seed;
                while (running.get()) {
                    try {
                        OracleQuote p = pairs.get(i % pairs.size());
                        long v;
                        if (i % 2 == 0) {
                            v = client.quote(p.origin(), p.workloadClass()).marketVersion();
                        } else {
                            v = client.route(p.origin(), p.workloadClass(), "req-" + i).marketVersion();
                        }
                        if (v < last) {
                            throw new AssertionError("version went back from " + last + " to " + v);
                        }
                        last = v;
                        highest.accumulateAndGet(v, Math::max);
                        answers.incrementAndGet();
                    } catch (Throwable e) {
                        errors.add(e);
                        return;
                    }
                    i += threads;
                }
            }, "reader-" + t);
            reader.start();
            readers.add(reader);
        }
        started.await();
        long lastAck = 0;
        for (int round = 0; round < 8; round++) {
            double rate = cap.tokensPerSecond() * (round % 2 == 0 ? 0.5 : 1.0);
            lastAck = updater.updateCapacity(List.of(new CapacityChange(cap.node(), cap.workloadClass(), rate)), true)
                    .marketVersion();
        }
        long target = lastAck;
        await("the readers to see the last version", () -> highest.get() >= target || !errors.isEmpty());
        running.set(false);
        for (Thread r : readers) {
            r.join(10_000);
        }
        assertTrue(errors.isEmpty(), () -> "reader failed: " + errors.peek());
        assertTrue(answers.get() > 0);
        assertEquals(target, client.tableStatus().version().orElseThrow());
    }
}
