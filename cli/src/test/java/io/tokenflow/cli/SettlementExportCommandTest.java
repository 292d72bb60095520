package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.SettlementRecord;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.service.LeaderOracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokenflow settlement export} against a real oracle on loopback. */
class SettlementExportCommandTest {
    private LoopbackOracle loopback;
    private LeaderOracle oracle;
    private String target;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        loopback = LoopbackOracle.start("five-node");
        oracle = loopback.oracle;
        target = loopback.target;
        long v = oracle.submit(List.of(new MarketUpdate.DemandUpdate("dallas", "image", 200_000))).version();
        oracle.whenCleared(v).get(20, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        loopback.close();
    }

    private int run(String... args) {
        return TokenflowCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void csvHasOneRowPerMoneyFlowAndTheRowsAddUpToTheTotals() {
        assertEquals(0, run("settlement", "export", "--target", target, "--format", "csv"), err.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals(SettlementRows.CSV_HEADER, lines.get(0));
        Map<String, double[]> byVersionAndKind = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(11, cells.length, line);
            byVersionAndKind.computeIfAbsent(cells[0] + "/" + cells[3], k -> new double[1])[0] +=
                    Double.parseDouble(cells[10]);
        }
        for (String version : List.of("1", "2")) {
            double paid = byVersionAndKind.get(version + "/payment")[0];
            double compute = byVersionAndKind.get(version + "/compute")[0];
            double network = byVersionAndKind.get(version + "/network_tariff")[0]
                    + byVersionAndKind.get(version + "/network_congestion_rent")[0];
            assertEquals(byVersionAndKind.get(version + "/total_user_payments")[0], paid, 1e-6);
            assertEquals(byVersionAndKind.get(version + "/total_compute_revenue")[0], compute, 1e-6);
            assertEquals(byVersionAndKind.get(version + "/total_network_revenue")[0], network, 1e-6);
            assertEquals(paid - compute - network, byVersionAndKind.get(version + "/merchandising_surplus")[0], 1e-6);
        }
        assertEquals(oracle.state().snapshot().result().settlement().orElseThrow().userPaymentsPerHour(),
                byVersionAndKind.get("2/total_user_payments")[0]);
    }

    @Test
    void jsonlHasOneRecordPerVersionWithProtoFieldNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("settlement.jsonl");
        assertEquals(0, run("settlement", "export", "--target", target, "--format", "jsonl", "--from-version", "2",
                "--out", file.toString()), err.toString());
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        JsonNode record = new ObjectMapper().readTree(lines.get(0));
        assertEquals("2", record.get("market_version").asText());
        assertTrue(record.get("payments").size() > 0);
        // a proto3 JSON parser reads the line back into exactly the oracle's own SettlementRecord message
        SettlementRecord.Builder parsed = SettlementRecord.newBuilder();
        JsonFormat.parser().merge(lines.get(0), parsed);
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            SettlementRecord sent = PricingOracleGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .exportSettlement(ExportSettlementRequest.newBuilder().setFromVersion(2).build()).next();
            assertEquals(sent, parsed.build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertEquals(1, Files.list(dir).count(), "no partial file left: " + Arrays.toString(dir.toFile().list()));
    }

    @Test
    void anExportSaysWhereTheNextStartsAndResumingThereBeforeAnythingNewIsEmpty(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.csv");
        assertEquals(0, run("settlement", "export", "--target", target, "--out", first.toString()), err.toString());
        assertEquals("tokenflow: exported 2 versions; next export: --from-version 3", err.toString().strip());
        err.getBuffer().setLength(0);
        Path again = dir.resolve("again.csv");
        assertEquals(0, run("settlement", "export", "--target", target, "--from-version", "3", "--out",
                again.toString()), err.toString());
        assertEquals(List.of(SettlementRows.CSV_HEADER), Files.readAllLines(again), "nothing new, nothing repeated");
        assertEquals("tokenflow: exported 0 versions; next export: --from-version 3", err.toString().strip());
        err.getBuffer().setLength(0);
        long v = oracle.submit(List.of(new MarketUpdate.DemandUpdate("dallas", "image", 150_000))).version();
        oracle.whenCleared(v).get(20, TimeUnit.SECONDS);
        assertEquals(0, run("settlement", "export", "--target", target, "--from-version", "3", "--out",
                again.toString()), err.toString());
        assertTrue(Files.readAllLines(again).stream().skip(1).allMatch(l -> l.startsWith(v + ",")),
                "only the new version");
        assertEquals("tokenflow: exported 1 version; next export: --from-version " + (v + 1), err.toString().strip());
    }

    @Test
    void anExportByTimeStartsAtTheVersionInForceAndTakesNoVersionBesideIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("window.csv");
        java.time.Instant v2 = oracle.settlements(2, 2).get(0).clearedAt();
        assertEquals(0, run("settlement", "export", "--target", target, "--from-time", v2.plusMillis(1).toString(),
                "--out", file.toString()), err.toString());
        assertTrue(Files.readAllLines(file).stream().skip(1).allMatch(l -> l.startsWith("2,")), "version 2 only");
        assertEquals("tokenflow: exported 1 version; next export: --from-version 3", err.toString().strip());
        err.getBuffer().setLength(0);
        assertEquals(2, run("settlement", "export", "--target", target, "--from-time", v2.toString(),
                "--from-version", "1"));
        assertEquals("tokenflow: invalid input: give --from-version or --from-time, not both", err.toString().strip());
    }

    @Test
    void aVersionOutOfRangeExitsTwoWithTheServersWords(@TempDir Path dir) {
        Path file = dir.resolve("settlement.csv");
        assertEquals(2, run("settlement", "export", "--target", target, "--to-version", "9", "--out", file.toString()));
        assertEquals("tokenflow: OUT_OF_RANGE: to_version 9 is not cleared yet; versions 1 to 2 are retained",
                err.toString().strip());
        assertTrue(Files.notExists(file), "a failed export writes nothing");
    }

    @Test
    void serveRefusesAnInvalidPenaltyBeforeStartingAnything() {
        assertEquals(2, run("serve", "--port", "0", "--metrics-port", "-1", "--unserved-penalty", "-1"));
        assertEquals("tokenflow: invalid input: default unserved penalty must be finite and > 0 $/M tokens, got -1.0",
                err.toString().strip());
    }
}
