package io.tokenflow.service.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.MarketUpdate;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitWriterTest {
    private final Scenario base = EmbeddedScenarios.get("five-node");
    private final List<MarketUpdate> update = List.of(new MarketUpdate.CapacityUpdate(base.nodes().get(0).id(),
            base.classes().get(0).id(), 4321.5));

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void startSnapshotsTheGivenStateAndCompactsOnlyJournalFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("LOCK"), "");
        Files.write(dir.resolve(JournalFiles.segmentName(1)), new byte[0]);
        Files.writeString(dir.resolve(JournalFiles.snapshotName(0)), "old");
        GroupCommitWriter writer = new GroupCommitWriter(dir, 3, base, 2, 9);
        writer.start();
        assertEquals(List.of("LOCK", JournalFiles.segmentName(3), JournalFiles.snapshotName(2)), names(dir));
        JournalCodec.Snapshot s = JournalCodec.decodeSnapshot(
                Files.readAllBytes(dir.resolve(JournalFiles.snapshotName(2))));
        assertEquals(2, s.seq());
        assertEquals(9, s.version()); // what open passes as the first version: the next process starts above it

        for (long seq = 3; seq <= 5; seq++) {
            writer.append(seq, seq + 10, update).join();
        }
        writer.close(false);
        // the third record reached the interval: a snapshot at 5, and a new segment after it
        assertEquals(List.of("LOCK", JournalFiles.segmentName(6), JournalFiles.snapshotName(5)), names(dir));
        JournalCodec.Snapshot at5 = JournalCodec.decodeSnapshot(
                Files.readAllBytes(dir.resolve(JournalFiles.snapshotName(5))));
        assertEquals(15, at5.version());
        assertEquals(ScenarioJson.write(base.withUpdates(update)), ScenarioJson.write(at5.scenario()));
        assertEquals(3, writer.records());
    }

    @Test
    void appendsAfterCloseFailAndCloseIsIdempotent(@TempDir Path dir) throws IOException {
        GroupCommitWriter writer = new GroupCommitWriter(dir, 10, base, 0, 1);
        writer.start();
        writer.append(1, 2, update).join();
        writer.close(true);
        writer.close(true);
        CompletableFuture<Void> late = writer.append(2, 3, update);
        CompletionException e = assertThrows(CompletionException.class, late::join);
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals("the update journal is closed", e.getCause().getMessage());
        assertEquals(1, writer.records());
        assertTrue(writer.forces() >= 1);
        // the clean close snapshotted record 1
        assertTrue(Files.exists(dir.resolve(JournalFiles.snapshotName(1))), names(dir).toString());
    }
}
