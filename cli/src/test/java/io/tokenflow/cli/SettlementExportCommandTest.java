package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        assertEquals(SettlementCommand.Export.CSV_HEADER, lines.get(0));
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
        assertEquals(1, Files.list(dir).count(), "no partial file left: " + Arrays.toString(dir.toFile().list()));
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
