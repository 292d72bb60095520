package io.tokenflow.grpc;

import io.tokenflow.service.LogRecorder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.ControllableEngine;
import io.tokenflow.service.OracleConfig;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.Oracle;
import io.tokenflow.service.journal.UpdateLog;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bug inside the server answers in words: INTERNAL "internal error while answering Quote; see the server
 * log (error id 7f3a12bc)", never the exception's class or message, and the exception is logged once under
 * that id (its stack trace the first time it is thrown at its place). Failures of the engine and of the
 * journal answer UNAVAILABLE without exception names too.
 */
class InternalErrorTest {
    private static final Pattern INTERNAL = Pattern.compile(
            "internal error while answering (\\w+); see the server log \\(error id ([0-9a-f]{8})\\)");

    private final AtomicReference<ControllableEngine> engine = new AtomicReference<>();
    private final AtomicBoolean engineBug = new AtomicBoolean();
    private final AtomicBoolean clockBroken = new AtomicBoolean();
    private final LogRecorder capture = new LogRecorder();
    /** Held, so that JUL keeps the logger (and its handler) that StatusMapping logs to. */
    private final Logger log = Logger.getLogger(StatusMapping.class.getName());
    private final List<AutoCloseable> closing = new ArrayList<>();
    private PricingOracleGrpc.PricingOracleBlockingStub stub;

    /** The server's clock; it throws while {@link #clockBroken}. */
    private final Clock clock = new BreakableClock(clockBroken);

    @BeforeEach
    void start() throws Exception {
        log.addHandler(capture);
        LeaderOracle oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder()
                .retryDelay(Duration.ofMillis(20)).breakerWindow(1000).breakerFailureRatePercent(100).build(),
                new SimpleMeterRegistry(), ContractServers.breakable(engine, engineBug));
        closing.add(oracle);
        stub = PricingOracleGrpc.newBlockingStub(serve(oracle)).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private ManagedChannel serve(Oracle oracle) throws IOException {
        String name = InProcessServerBuilder.generateName();
        OracleServer server = new OracleServer(InProcessServerBuilder.forName(name).directExecutor(), oracle,
                new SimpleMeterRegistry(), clock).start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        closing.add(0, () -> server.stop(Duration.ofMillis(200)));
        closing.add(0, () -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return channel;
    }

    @AfterEach
    void stop() throws Exception {
        log.removeHandler(capture);
        clockBroken.set(false);
        engineBug.set(false);
        engine.get().setFailing(false);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private static void assertNoClassName(String description) {
        for (String name : List.of("Exception", "java.", "io.tokenflow.", "$")) {
            assertFalse(description.contains(name), "'" + name + "' in: " + description);
        }
    }

    private Status quote() {
        return assertThrows(StatusRuntimeException.class, () -> stub.quote(QuoteRequest.newBuilder()
                .setOrigin("dallas").setWorkloadClass("chat").build())).getStatus();
    }

    private List<LogRecord> loggedWith(String id) {
        return capture.records().stream().filter(r -> r.getMessage().startsWith("internal error, error id " + id))
                .toList();
    }

    @Test
    void aHandlerThatThrowsAnswersInternalInWordsAndLogsTheExceptionOnce() {
        // a stale answer carries its age, which the handler reads from the (broken) clock
        engine.get().setFailing(true);
        assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class, () -> stub.updateCapacity(
                UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate.newBuilder()
                        .setNode("dallas").setWorkloadClass("chat").setTokensPerSecond(1)).build())).getStatus().getCode());
        clockBroken.set(true);

        Status first = quote();
        Status second = quote();
        List<String> ids = new ArrayList<>();
        for (Status s : List.of(first, second)) {
            assertEquals(Status.Code.INTERNAL, s.getCode());
            Matcher m = INTERNAL.matcher(s.getDescription());
            assertTrue(m.matches(), s.getDescription());
            assertEquals("Quote", m.group(1));
            assertNoClassName(s.getDescription());
            assertFalse(s.getDescription().contains("clock"), "the exception's message stays in the server");
            ids.add(m.group(2));
        }
        assertNotEquals(ids.get(0), ids.get(1), "one id per failure");

        // the first failure is logged with its stack trace, the second in one line pointing at the first
        List<LogRecord> one = loggedWith(ids.get(0));
        assertEquals(1, one.size(), "logged once: " + one);
        assertEquals(java.util.logging.Level.WARNING, one.get(0).getLevel());
        assertInstanceOf(IllegalStateException.class, one.get(0).getThrown());
        assertEquals("the test broke the clock", one.get(0).getThrown().getMessage());
        List<LogRecord> two = loggedWith(ids.get(1));
        assertEquals(1, two.size(), "logged once: " + two);
        assertNull(two.get(0).getThrown(), "the stack trace is logged once per place, not per call");
        assertTrue(two.get(0).getMessage().contains("the test broke the clock"), two.get(0).getMessage());
        assertTrue(two.get(0).getMessage().contains("stack trace under error id " + ids.get(0)),
                two.get(0).getMessage());

        clockBroken.set(false);
        engine.get().setFailing(false);
    }

    @Test
    void anUnexpectedExceptionMapsToInternalWithAnIdAndNoClassName() {
        NullPointerException bug = new NullPointerException(
                "Cannot invoke \"io.tokenflow.service.MarketState.version()\" because \"s$1\" is null");
        StatusRuntimeException mapped = StatusMapping.toStatus(bug);
        assertEquals(Status.Code.INTERNAL, mapped.getStatus().getCode());
        assertNoClassName(mapped.getStatus().getDescription());
        Matcher id = Pattern.compile("error id ([0-9a-f]{8})").matcher(mapped.getStatus().getDescription());
        assertTrue(id.find(), mapped.getStatus().getDescription());
        // the call that closes with it names its RPC, with the same id
        Status sent = StatusMapping.forClient("Route", mapped.getStatus());
        assertEquals("internal error while answering Route; see the server log (error id " + id.group(1) + ")",
                sent.getDescription());
        assertEquals(1, loggedWith(id.group(1)).size());
        // statuses that are not made from an exception go as they are
        Status notFound = Status.NOT_FOUND.withDescription("unknown node 'atlantis'");
        assertEquals(notFound, StatusMapping.forClient("Quote", notFound));
        assertEquals("re-clear failed: disk full", StatusMapping.withoutExceptionNames(
                "re-clear failed: java.io.IOException: disk full"));
        assertEquals("re-clear failed: boom", StatusMapping.withoutExceptionNames(
                "re-clear failed: IllegalStateException: boom"));
        assertEquals("unknown node 'dallas'", StatusMapping.withoutExceptionNames("unknown node 'dallas'"));
    }

    @Test
    void anEngineThatThrowsAnswersUnavailableInWords() {
        engineBug.set(true);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.updateCapacity(
                UpdateCapacityRequest.newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate.newBuilder()
                        .setNode("dallas").setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        String d = e.getStatus().getDescription();
        assertTrue(d.matches("the update was accepted as version 2 but its re-clear failed \\(the re-clear failed on"
                + " an internal error; see the server log \\(error id [0-9a-f]{8}\\)\\); the next successful re-clear"
                + " includes it"), d);
        assertNoClassName(d);
        engineBug.set(false);
    }

    @Test
    void aFailedJournalAnswersUnavailableWithoutExceptionNames() throws Exception {
        UpdateLog broken = new UpdateLog() {
            @Override
            public CompletableFuture<Void> append(long seq, long version, List<MarketUpdate> updates) {
                // as UpdateJournal words a failure after an earlier one
                return CompletableFuture.failedFuture(new IOException(
                        "the update journal failed earlier: java.io.IOException: No space left on device"));
            }

            @Override
            public void close() {}
        };
        LeaderOracle durable = LeaderOracle.startDurable(EmbeddedScenarios.get("five-node"),
                OracleConfig.builder().build(), new SimpleMeterRegistry(), 1, 0, broken);
        closing.add(durable);
        PricingOracleGrpc.PricingOracleBlockingStub toDurable = PricingOracleGrpc.newBlockingStub(serve(durable))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        for (int call = 0; call < 2; call++) { // the failing write, then the refusal after it
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> toDurable.updateCapacity(
                    UpdateCapacityRequest.newBuilder().addUpdates(CapacityUpdate.newBuilder().setNode("dallas")
                            .setWorkloadClass("chat").setTokensPerSecond(1)).build()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            String d = e.getStatus().getDescription();
            assertTrue(d.startsWith("the update journal failed (the update journal failed earlier: No space left on"
                    + " device)"), d);
            assertNoClassName(d);
        }
    }
}
