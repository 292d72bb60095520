package io.tokenflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PricePoint;
import io.tokenflow.api.v1.PriceTable;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process level, issue 6: {@code ./tokenflow serve --data-dir D} is killed with SIGKILL in the middle
 * of an update burst, 20 times over the same D, and after each restart:
 * <ul>
 *   <li><b>every acknowledged update is present</b>: each key (a node x class capacity or an origin x
 *       class demand) has one writer thread, which sends strictly increasing values one call at a time
 *       and stops at its first failure (the kill). So after the restart the key's value must equal the
 *       last value acknowledged for it, or the value of the one call that was in flight on it when the
 *       server died (unacknowledged, so it may or may not have reached the disk); an untouched key keeps
 *       its value;</li>
 *   <li><b>versions never go back</b>: the restarted server's market_version is greater than every
 *       version acknowledged or seen before the kill;</li>
 *   <li><b>prices are a fresh clear of the recovered inputs</b>: the embedded base scenario with the
 *       capacities and demands GetMarket reports, must-serve classes given the serve-mode default
 *       penalty, cleared with GLOP in this JVM: every price equal within 1e-6.</li>
 * </ul>
 * <p>Issue 15, the market record, checked at the same restarts:
 * <ul>
 *   <li><b>billing resumes exactly once</b>: after every (re)start, {@code tokenflow settlement export
 *       --from-version N} with the cursor the previous export printed on standard error (every fifth
 *       and the last through the {@code ./tokenflow} launcher, the others the same command in this JVM); concatenated,
 *       the exports hold every version exactly once, in order, ending at the version current then, and
 *       a final export of everything equals them amount for amount (the JSON text of every line; only
 *       {@code superseded_at} may be added to a version exported while it was current);</li>
 *   <li><b>nothing served is lost</b>: every version a WatchPrices stream saw during a burst is in the
 *       exports after the kill, and its price (of three origin x class pairs) equals the PriceHistory
 *       point of that version bit for bit;</li>
 *   <li><b>PriceHistory keeps every pre-crash point</b>: for those pairs it has a point for exactly the
 *       exported versions, and every point seen after an earlier restart comes back equal, causes
 *       included.</li>
 * </ul>
 * Finally a SIGTERM (clean shutdown, final snapshot) and one more restart recover the same market, and
 * the whole record.
 */
class CrashRecoveryIT {
    private static final int TRIALS = 20;
    private static final int WRITERS = 4;
    private static final double DEFAULT_PENALTY = 1000; // ServeCommand's --unserved-penalty default

    private ServeProcess server;
    /** Every server started, in order: their output is the test's transcript. */
    private final List<ServeProcess> servers = new ArrayList<>();
    /** The burst before the last kill, whose calls in flight the restart may or may not have kept. */
    private ServeProcess.Writers lastBurst;

    @AfterEach
    void stopServer() {
        if (server != null && server.process().isAlive()) {
            server.process().destroyForcibly();
        }
    }

    @Test
    void everyAcknowledgedUpdateSurvivesSigkill(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Random random = new Random(20261125L);
        Scenario base = EmbeddedScenarios.get(EmbeddedScenarios.DEFAULT);

        Map<String, Double> values = null; // the values every key had at the last check
        long previousMax = 0; // every version acknowledged or seen before the last kill
        long acknowledgedChecked = 0;
        long callsInFlightAtKill = 0;
        long inFlightFoundDurable = 0;
        int survived = 0;
        long started = System.nanoTime();
        try {
            for (int trial = 0; trial <= TRIALS; trial++) {
                start(data);
                ManagedChannel channel = server.channel();
                try {
                    PricingOracleGrpc.PricingOracleBlockingStub stub = PricingOracleGrpc.newBlockingStub(channel);
                    GetMarketResponse market = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                            .getMarket(GetMarketRequest.getDefaultInstance());
                    Map<String, Double> recovered = ServeProcess.Writers.keys(market);
                    long version = market.getMarketVersion();
                    exportAndCheckRecord(stub, market, trial);
                    if (values != null) {
                        String t = "after restart " + trial + ": ";
                        assertTrue(version > previousMax, t + "market_version " + version
                                + " is not above every version acknowledged or seen before the kill, " + previousMax);
                        assertEquals(values.keySet(), recovered.keySet(), t + "the set of keys changed");
                        for (Map.Entry<String, Double> e : values.entrySet()) {
                            double got = recovered.get(e.getKey());
                            Double maybe = lastBurst.inFlight().get(e.getKey());
                            if (got != e.getValue()) {
                                assertTrue(maybe != null && got == maybe, t + e.getKey() + " = " + got
                                        + ", but the last acknowledged value was " + e.getValue()
                                        + (maybe == null ? "" : " (and the unacknowledged call in flight set " + maybe + ")"));
                                inFlightFoundDurable++;
                            }
                        }
                        acknowledgedChecked += lastBurst.acknowledged();
                        checkPrices(base, market, t);
                        survived++;
                    } else {
                        checkPrices(base, market, "at the first start: ");
                    }
                    values = new HashMap<>(recovered);
                    previousMax = version;
                    if (trial == TRIALS) {
                        break;
                    }
                    // the burst, killed at a random moment
                    served.clear();
                    ServeProcess.watch(channel, served);
                    lastBurst = new ServeProcess.Writers(stub, values, version, WRITERS);
                    Thread.sleep(100 + random.nextInt(500));
                    scrapeJournalMetrics();
                    server.kill();
                    lastBurst.join();
                    callsInFlightAtKill += lastBurst.inFlight().size();
                    values = new HashMap<>(lastBurst.acked());
                    previousMax = Math.max(previousMax, lastBurst.maxAcknowledged());
                } finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
            // a clean stop (SIGTERM: final snapshot) keeps everything too
            server.process().destroy();
            assertTrue(server.process().waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
            start(data);
            ManagedChannel channel = server.channel();
            try {
                GetMarketResponse market = PricingOracleGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS).getMarket(GetMarketRequest.getDefaultInstance());
                assertEquals(values, ServeProcess.Writers.keys(market), "after SIGTERM and a restart");
                assertTrue(market.getMarketVersion() > previousMax, "after SIGTERM: version went back");
                checkPrices(base, market, "after SIGTERM and a restart: ");
                PricingOracleGrpc.PricingOracleBlockingStub stub = PricingOracleGrpc.newBlockingStub(channel);
                exportAndCheckRecord(stub, market, TRIALS + 1);
                checkWholeRecord();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (Throwable t) {
            System.out.println("CrashRecoveryIT: the server's output:\n" + allOutput());
            throw t;
        }
        int torn = count(allOutput(), "dropped the journal's bad tail record");
        int tornRecord = count(allOutput(), "dropped the market record's bad tail record");
        System.out.printf("CrashRecoveryIT: %d/%d SIGKILL trials survived, %d acknowledged updates checked, %d calls"
                + " in flight at the kills (%d of them found applied), %d journal and %d record bad tails dropped;"
                + " journal: %d records in %d fsyncs (%.1f per fsync, just before the kills); record: %d versions in"
                + " %d exports (%d through ./tokenflow; %.1f s of them), %d served prices compared, %d price points"
                + " checked again after a restart; %.1f s%n",
                survived, TRIALS, acknowledgedChecked, callsInFlightAtKill, inFlightFoundDurable, torn, tornRecord,
                journalRecords, journalForces, journalForces == 0 ? 0.0 : (double) journalRecords / journalForces,
                exported.size(), exports, launcherExports, exportNanos / 1e9, servedChecked, pointsChecked,
                (System.nanoTime() - started) / 1e9);
        assertEquals(TRIALS, survived);
        assertTrue(acknowledgedChecked > TRIALS, "too few updates were acknowledged to check anything");
    }

    // ---- the market record (issue 15) ----

    private static final Pattern NEXT_EXPORT = Pattern.compile(
            "tokenflow: exported (\\d+) versions?; next export: --from-version (\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every export's lines, concatenated in the order exported. */
    private final List<ObjectNode> exported = new ArrayList<>();
    private long cursor; // 0: the first export starts at the oldest retained
    private int exports;
    private int launcherExports;
    private long exportNanos;
    /** The origin x class pairs whose PriceHistory is followed, and every point seen of each. */
    private final List<String[]> pairs = new ArrayList<>();
    private final Map<String, Map<Long, PricePoint>> points = new HashMap<>();
    /** The tables a WatchPrices stream saw during the current burst, by version. */
    private final Map<Long, PriceTable> served = new ConcurrentHashMap<>();
    private long servedChecked;
    private long pointsChecked;

    /** {@link ServeProcess#export}'s JSONL lines, timed; {@code next[0]} is the cursor printed on standard error. */
    private List<ObjectNode> export(long from, long[] next, boolean launcher) throws Exception {
        long t0 = System.nanoTime();
        ServeProcess.Export export = server.export(from, launcher);
        if (launcher) {
            launcherExports++;
        }
        exportNanos += System.nanoTime() - t0;
        exports++;
        String stderr = export.stderr();
        assertEquals(0, export.exit(), "export --from-version " + from + " failed: " + stderr);
        Matcher m = NEXT_EXPORT.matcher(stderr);
        assertTrue(m.find(), "no cursor on standard error: " + stderr);
        List<ObjectNode> lines = new ArrayList<>();
        for (String line : export.stdout().split("\n")) {
            if (!line.isBlank()) {
                lines.add((ObjectNode) JSON.readTree(line));
            }
        }
        assertEquals(Long.parseLong(m.group(1)), lines.size(), "the count it printed");
        next[0] = Long.parseLong(m.group(2));
        return lines;
    }

    private static long version(ObjectNode line) {
        return Long.parseLong(line.get("market_version").asText());
    }

    /**
     * The export from the cursor (exactly once: every line new and in order, ending at the current
     * version), the served versions of the burst before (all in the record, prices equal to PriceHistory's),
     * and PriceHistory of the followed pairs (a point per exported version; every earlier point unchanged).
     */
    private void exportAndCheckRecord(PricingOracleGrpc.PricingOracleBlockingStub stub, GetMarketResponse market,
            int trial) throws Exception {
        String t = "at start " + trial + ": ";
        long[] next = new long[1];
        List<ObjectNode> lines = export(cursor, next, trial % 5 == 0);
        long last = exported.isEmpty() ? 0 : version(exported.get(exported.size() - 1));
        for (ObjectNode line : lines) {
            long v = version(line);
            assertTrue(v > last, t + "version " + v + " exported again or out of order (after " + last + ")");
            assertTrue(v >= cursor, t + "version " + v + " is before the cursor " + cursor);
            last = v;
        }
        assertTrue(!lines.isEmpty() && last == market.getMarketVersion(), t + "the export ends at " + last
                + ", not at the current version " + market.getMarketVersion());
        assertEquals(last + 1, next[0], t + "the cursor printed");
        exported.addAll(lines);
        cursor = next[0];

        if (pairs.isEmpty()) {
            for (int i = 0; i < 3; i++) {
                io.tokenflow.api.v1.NodePrice p = market.getResult().getPrices(i * 5);
                pairs.add(new String[] {p.getNode(), p.getWorkloadClass()});
            }
        }
        Set<Long> versions = new HashSet<>();
        exported.forEach(l -> versions.add(version(l)));
        for (Long v : served.keySet()) {
            assertTrue(versions.contains(v), t + "version " + v + " was served before the kill but is not in the"
                    + " record");
        }
        List<Long> expectedVersions = exported.stream().map(CrashRecoveryIT::version).toList();
        for (String[] pair : pairs) {
            String key = pair[0] + "/" + pair[1];
            List<PricePoint> history = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .priceHistory(PriceHistoryRequest.newBuilder().setOrigin(pair[0])
                            .setWorkloadClass(pair[1]).build()).getPointsList();
            assertEquals(expectedVersions, history.stream().map(PricePoint::getMarketVersion)
                    .toList(), t + "PriceHistory of " + key + " has a point for exactly the exported versions");
            Map<Long, PricePoint> seen = points.computeIfAbsent(key, k -> new HashMap<>());
            for (PricePoint point : history) {
                PricePoint before = seen.get(point.getMarketVersion());
                if (before != null) {
                    assertEquals(before, point, t + key + " version " + point.getMarketVersion()
                            + " changed across the restart");
                    pointsChecked++;
                }
                seen.put(point.getMarketVersion(), point);
                PriceTable table = served.get(point.getMarketVersion());
                if (table != null) {
                    double price = table.getPricesList().stream()
                            .filter(p -> p.getNode().equals(pair[0]) && p.getWorkloadClass().equals(pair[1]))
                            .findFirst().orElseThrow().getPricePerMTokens();
                    assertEquals(Double.doubleToRawLongBits(price), Double.doubleToRawLongBits(
                            point.getPricePerMTokens()), t + key + " version " + point.getMarketVersion()
                            + ": served " + price + ", recorded " + point.getPricePerMTokens());
                    servedChecked++;
                }
            }
        }
    }

    /** One export of everything equals the concatenated exports, line for line (superseded_at aside). */
    private void checkWholeRecord() throws Exception {
        long[] next = new long[1];
        List<ObjectNode> all = export(0, next, true);
        assertEquals(exported.stream().map(CrashRecoveryIT::version).toList(),
                all.stream().map(CrashRecoveryIT::version).toList(), "every version exactly once");
        for (int i = 0; i < all.size(); i++) {
            ObjectNode first = exported.get(i).deepCopy();
            ObjectNode now = all.get(i).deepCopy();
            if (first.has("superseded_at")) {
                assertEquals(first.get("superseded_at"), now.get("superseded_at"), "version " + version(now));
            }
            first.remove("superseded_at");
            now.remove("superseded_at");
            assertEquals(first.toString(), now.toString(), "version " + version(now) + ": the amounts first exported");
        }
        assertEquals(version(all.get(all.size() - 1)) + 1, next[0]);
    }

    private long journalRecords;
    private long journalForces;

    /** Adds the running server's journal records and forces (its /metrics) to the totals. */
    private void scrapeJournalMetrics() {
        try {
            server.metrics().ifPresent(body -> {
                journalRecords += ServeProcess.gauge(body, "tokenflow_journal_records");
                journalForces += ServeProcess.gauge(body, "tokenflow_journal_forces");
            });
        } catch (RuntimeException e) {
            // a figure for the summary only
        }
    }

    /** Every price GetMarket reports equals a fresh GLOP clear of the base scenario with its inputs. */
    private static void checkPrices(Scenario base, GetMarketResponse market, String when) {
        List<MarketUpdate> inputs = new ArrayList<>();
        market.getCapacitiesList().forEach(c -> inputs.add(new MarketUpdate.CapacityUpdate(c.getNode(),
                c.getWorkloadClass(), c.getTokensPerSecond())));
        market.getDemandsList().forEach(d -> inputs.add(new MarketUpdate.DemandUpdate(d.getOrigin(),
                d.getWorkloadClass(), d.getTokensPerSecond())));
        Scenario scenario = base.withUpdates(inputs)
                .withClasses(c -> c.mustServe() ? c.withUnservedPenalty(DEFAULT_PENALTY) : c);
        ClearingResult fresh = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        assertTrue(fresh.optimal(), when + "the fresh clear is " + fresh.status());
        assertTrue(market.getResult().getPricesCount() > 0, when + "GetMarket has no prices");
        for (io.tokenflow.api.v1.NodePrice p : market.getResult().getPricesList()) {
            double expected = fresh.price(p.getNode(), p.getWorkloadClass()).price();
            assertEquals(expected, p.getPricePerMTokens(), 1e-6, when + "price of " + p.getNode() + "/"
                    + p.getWorkloadClass() + " differs from a fresh clear of the recovered inputs");
        }
        assertEquals(fresh.objectivePerHour().orElseThrow(), market.getResult().getObjectivePerHour(),
                1e-6 * Math.max(1, Math.abs(market.getResult().getObjectivePerHour())), when + "objective");
    }

    private void start(Path data) throws Exception {
        server = ServeProcess.launch(data, "0", "--snapshot-every", "50");
        servers.add(server); // before it listens: a failed start's output belongs in the transcript too
        server.awaitListening();
    }

    private String allOutput() {
        StringBuilder all = new StringBuilder();
        servers.forEach(s -> all.append(s.output()));
        return all.toString();
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
