package io.tokenflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.tokenflow.api.v1.Capacity;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process level, issue 18 ("detect, never guess"): {@code ./tokenflow serve --data-dir D} acknowledges
 * five updates, each waited for until cleared (versions 2 to 6, all in the market record), and is
 * killed with SIGKILL; then D is damaged the ways an operator or a disk can damage it, and a new
 * {@code serve} must refuse to start with exit 1 and a message naming what is missing (truncated at a
 * record boundary, inside the last acknowledged record, to zero bytes, the segment deleted, a bit
 * flipped in the last record, the commit marker deleted, journal and marker rolled back behind the
 * market record); a torn write of a record never acknowledged still starts, and an accepted loss
 * ({@code --accept-journal-loss}) never numbers a version the record holds again.
 */
class JournalLossIT {
    private static final String NO_METRICS = "-1"; // --metrics-port -1: off, nothing here reads them
    private static final String SEGMENT = "journal-00000000000000000001.log";
    private static final String SNAPSHOT = "snapshot-00000000000000000000.json";
    private static final String REFUSING = "; refusing to start: restore the missing files from a backup"
            + " (docs/operations.md, \"Recovering the leader\"), or start with --accept-journal-loss to continue"
            + " from what is left";

    /** D after the SIGKILL, never started on again: each test damages a copy. */
    @TempDir
    static Path built;
    /** The journal files as they were after the third update, copied while the server ran. */
    private static Path afterThird;
    /** The settlement export of versions 1 to 6 before the kill, one JSON line each. */
    private static List<String> exported;
    private static String capacityNode;
    private static String capacityClass;
    private static final List<Double> values = new ArrayList<>();

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopServers() {
        started.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    }

    @BeforeAll
    static void fiveAcknowledgedUpdatesThenSigkill() throws Exception {
        Path data = built.resolve("data");
        afterThird = Files.createDirectory(built.resolve("after-third"));
        ServeProcess server = ServeProcess.start(data, NO_METRICS);
        try {
            ManagedChannel channel = server.channel();
            try {
                PricingOracleGrpc.PricingOracleBlockingStub stub = PricingOracleGrpc.newBlockingStub(channel);
                GetMarketResponse market = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getMarket(GetMarketRequest.getDefaultInstance());
                assertEquals(1, market.getMarketVersion());
                Capacity c = market.getCapacitiesList().stream().filter(x -> x.getTokensPerSecond() > 0).findFirst()
                        .orElseThrow();
                capacityNode = c.getNode();
                capacityClass = c.getWorkloadClass();
                for (int i = 1; i <= 5; i++) {
                    double value = c.getTokensPerSecond() + 100 * i + 0.5;
                    long version = stub.withDeadlineAfter(30, TimeUnit.SECONDS).updateCapacity(UpdateCapacityRequest
                            .newBuilder().setWaitForClear(true).addUpdates(CapacityUpdate.newBuilder()
                                    .setNode(capacityNode).setWorkloadClass(capacityClass).setTokensPerSecond(value))
                            .build()).getMarketVersion();
                    assertEquals(i + 1, version, "update " + i);
                    values.add(value);
                    if (i == 3) {
                        copyJournalFiles(data, afterThird); // a crash-consistent backup, as a volume snapshot takes it
                    }
                }
                exported = export(server);
                assertEquals(6, exported.size(), exported.toString());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            server.kill();
        }
        assertTrue(Files.exists(data.resolve("COMMIT")) && Files.exists(data.resolve(SEGMENT)), list(data));
    }

    // ---- refused ----

    @Test
    void aSegmentCutAtARecordBoundaryIsRefused(@TempDir Path tmp) throws Exception {
        Path d = copy(tmp);
        truncate(d.resolve(SEGMENT), recordOffsets(d.resolve(SEGMENT)).get(3)); // records 1 to 3 left
        assertRefused(d, "the journal ends at record 3 (the end of " + SEGMENT + ") but the commit marker (COMMIT) says"
                + " records up to 5 were acknowledged: records 4 to 5 are missing (a journal segment truncated, emptied,"
                + " deleted or restored from an older copy)");
    }

    @Test
    void aSegmentEmptiedIsRefused(@TempDir Path tmp) throws Exception {
        Path d = copy(tmp);
        truncate(d.resolve(SEGMENT), 0);
        assertRefused(d, "the journal ends at record 0 (the end of " + SEGMENT + ") but the commit marker (COMMIT) says"
                + " records up to 5 were acknowledged: records 1 to 5 are missing");
    }

    @Test
    void aSegmentDeletedIsRefused(@TempDir Path tmp) throws Exception {
        Path d = copy(tmp);
        Files.delete(d.resolve(SEGMENT));
        assertRefused(d, "the journal ends at record 0 (" + SNAPSHOT + ", no record after it) but the commit marker"
                + " (COMMIT) says records up to 5 were acknowledged: records 1 to 5 are missing");
    }

    @Test
    void theLastAcknowledgedRecordCutShortIsRefused(@TempDir Path tmp) throws Exception {
        Path d = copy(tmp);
        Path segment = d.resolve(SEGMENT);
        long fifth = recordOffsets(segment).get(4);
        truncate(segment, Files.size(segment) - 7);
        long size = Files.size(segment);
        assertRefused(d, "journal " + SEGMENT + " has a bad record at offset " + fifth + " (record cut short): record 5,"
                + " but the commit marker (COMMIT) says records up to 5 were acknowledged, so this is damage to"
                + " acknowledged updates, not a torn write: records 5 to 5 are lost");
        assertEquals(size, Files.size(segment), "a refused start truncates nothing");
    }

    @Test
    void aBitFlippedInTheLastAcknowledgedRecordIsRefused(@TempDir Path tmp) throws Exception {
        Path d = copy(tmp);
        Path segment = d.resolve(SEGMENT);
        long fifth = recordOffsets(segment).get(4);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(f.length() - 3);
            int b = f.read();
            f.seek(f.length() - 3);
            f.write(b ^ 0x08);
        }
        assertRefused(d, "journal " + SEGMENT + " has a bad record at offset " + fifth + " (checksum mismatch): record"
                + " 5, but the commit marker (COMMIT) says records up to 5 were acknowledged, so this is damage to"
                + " acknowledged updates, not a torn write");
    }

    @Test
    void aDeletedCommitMarkerIsRefused(@TempDir Path tmp) throws Exception {
        Path d = copy(tmp);
        Files.delete(d.resolve("COMMIT"));
        assertRefused(d, "the commit marker (COMMIT) is missing, but " + SNAPSHOT + " was written while this directory"
                + " kept one (the marker deleted, or the directory restored without it): whether acknowledged records"
                + " are missing cannot be checked");
    }

    @Test
    void aJournalAndMarkerRolledBackBehindTheRecordAreRefusedAndAnAcceptedLossReusesNoVersion(@TempDir Path tmp)
            throws Exception {
        Path d = copy(tmp);
        copyJournalFiles(afterThird, d); // the backup of journal and marker; record/ stays as it is
        String rolledBack = "the market record holds versions up to 6, but the journal and the commit marker promised"
                + " versions only up to 4: they are older than the record (restored from an older copy?), so the"
                + " updates published as versions 5 to 6 are missing";
        assertRefused(d, rolledBack);

        // accepted: the state of the backup, but numbering above every version the record holds
        ServeProcess server = serve(d, "--accept-journal-loss");
        String out = server.output();
        assertTrue(out.contains("tokenflow serve: ACCEPTED JOURNAL LOSS (--accept-journal-loss): " + rolledBack), out);
        GetMarketResponse market = server.getMarket();
        assertEquals(7, market.getMarketVersion(), "above the record's 6: versions 5 and 6 are never published again");
        assertEquals(values.get(2), capacity(market), "the state of the backup: the third update's value");
        List<String> after = export(server);
        assertEquals(7, after.size(), after.toString());
        for (int v = 1; v <= 6; v++) {
            assertEquals(withoutSuperseded(exported.get(v - 1)), withoutSuperseded(after.get(v - 1)),
                    "version " + v + " as billed before the loss");
        }
        server.process().destroy(); // SIGTERM: a clean stop
        assertTrue(server.process().waitFor(30, TimeUnit.SECONDS));

        // accepted once, the directory is whole again: the next start needs no flag
        ServeProcess again = serve(d);
        assertFalse(again.output().contains("ACCEPTED JOURNAL LOSS"), again.output());
        assertEquals(8, again.getMarket().getMarketVersion());
    }

    // ---- started ----

    @Test
    void aTornWriteNeverAcknowledgedIsDroppedAndTheServerStarts(@TempDir Path tmp) throws Exception {
        Path d = copy(tmp);
        Path segment = d.resolve(SEGMENT);
        long end = Files.size(segment);
        // a sixth record the crash cut short: its header says 200 payload bytes, 30 reached the disk
        byte[] partial = Arrays.copyOf("{\"s\":6,\"v\":7,\"u\":[[\"c\",\"node\",\"class\",1234.5]]}"
                .getBytes(StandardCharsets.UTF_8), 30);
        ByteBuffer torn = ByteBuffer.allocate(12 + 30).putInt(0x54464A31).putInt(200).putInt(0x1234_5678).put(partial);
        Files.write(segment, torn.array(), StandardOpenOption.APPEND);
        ServeProcess server = serve(d);
        String out = server.output();
        assertTrue(out.contains("dropped the journal's bad tail record: " + SEGMENT + " at offset " + end
                + " (record cut short, 42 bytes dropped, a copy kept in dropped-6.bin): record 6 comes after record 5,"
                + " the last the commit marker says was acknowledged, so it was never acknowledged (a write the crash"
                + " cut short)"), out);
        GetMarketResponse market = server.getMarket();
        assertEquals(7, market.getMarketVersion());
        assertEquals(values.get(4), capacity(market), "every acknowledged update is there");
    }

    // ---- helpers ----

    /** Starts serve on {@code d} (stopped after the test) and waits for it to listen. */
    private ServeProcess serve(Path d, String... more) throws Exception {
        ServeProcess server = ServeProcess.start(d, NO_METRICS, more);
        started.add(server.process());
        return server;
    }

    /** A new {@code serve} on {@code d} exits 1 and says {@code loss} and what to do. */
    private void assertRefused(Path d, String loss) throws Exception {
        Path log = Files.createTempFile(d.getParent(), "serve", ".out");
        Process p = ServeProcess.command(d, NO_METRICS).redirectOutput(log.toFile()).start();
        started.add(p);
        boolean exited = p.waitFor(ServeProcess.STARTUP.toSeconds(), TimeUnit.SECONDS);
        String out = Files.readString(log);
        assertTrue(exited, "it started instead of refusing:\n" + out);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("tokenflow: JournalLossException: " + loss), out);
        assertTrue(out.contains(REFUSING), out);
        assertFalse(out.contains("listening on"), out);
    }

    private static Path copy(Path tmp) throws IOException {
        Path from = built.resolve("data");
        Path to = tmp.resolve("data");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    /** The journal's files (segments, snapshots, COMMIT) of {@code from} over those of {@code to}. */
    private static void copyJournalFiles(Path from, Path to) throws IOException {
        try (Stream<Path> old = Files.list(to)) {
            for (Path p : old.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("journal-") || n.startsWith("snapshot-") || n.equals("COMMIT")) {
                    Files.delete(p);
                }
            }
        }
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("journal-") || n.startsWith("snapshot-") || n.equals("COMMIT")) {
                    Files.copy(p, to.resolve(n), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Where each record of a segment starts ({@code [magic][length][crc][payload]}). */
    private static List<Long> recordOffsets(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<Long> offsets = new ArrayList<>();
        while (b.remaining() >= 12) {
            offsets.add((long) b.position());
            int length = b.getInt(b.position() + 4);
            b.position(b.position() + 12 + length);
        }
        assertEquals(5, offsets.size(), "records in " + segment);
        return offsets;
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private static String list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList().toString();
        }
    }

    private static double capacity(GetMarketResponse market) {
        return market.getCapacitiesList().stream().filter(c -> c.getNode().equals(capacityNode)
                && c.getWorkloadClass().equals(capacityClass)).findFirst().orElseThrow().getTokensPerSecond();
    }

    /** Every recorded version's settlement, one JSON line each (the export command, in this JVM). */
    private static List<String> export(ServeProcess server) throws Exception {
        ServeProcess.Export export = server.export(1, false);
        assertEquals(0, export.exit(), export::stderr);
        return export.stdout().lines().filter(l -> !l.isBlank()).toList();
    }

    /** A line without {@code superseded_at}, which a version gains once the next one is cleared. */
    private static String withoutSuperseded(String line) throws IOException {
        ObjectNode node = (ObjectNode) new ObjectMapper().readTree(line);
        node.remove("superseded_at");
        return node.toString();
    }
}
