package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --data-dir} refuses to start on a data directory it must not guess about. */
class ServeDataDirTest {
    @Test
    void anUnreadableSnapshotRefusesToStartWithExitOne(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("snapshot-00000000000000000007.json"), "{\"format\": \"tokenflow-snap");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TokenflowCommand.run(new String[] {"serve", "--data-dir", dir.toString(), "--port", "0",
                "--metrics-port", "-1"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(1, exit, () -> out + "\n" + err);
        assertTrue(err.toString().contains("JournalCorruptException") && err.toString().contains("cannot be read"),
                err::toString);
    }

    @Test
    void aJournalLossRefusesToStartWithExitOneAndReleasesTheLock(@TempDir Path dir) throws Exception {
        // segments without a snapshot: a real data directory always has one before its first segment
        Files.write(dir.resolve("journal-00000000000000000001.log"), new byte[0]);
        String refusal = "tokenflow: JournalLossException: the journal has segments (the first"
                + " journal-00000000000000000001.log) but no snapshot: the snapshot was deleted, so the state the"
                + " segments start from is unknown; refusing to start: restore the missing files from a backup";
        for (int attempt = 1; attempt <= 2; attempt++) {
            String err = run(1, "serve", "--data-dir", dir.toString(), "--port", "0", "--metrics-port", "-1")[1];
            assertTrue(err.startsWith(refusal), "attempt " + attempt + ": " + err); // the second: not "in use"
        }
    }

    private static String[] run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = TokenflowCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(expectedExit, exit, () -> out + "\n" + err);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void theRecordOptionsNeedADataDirAndSaneValues(@TempDir Path dir) {
        String d = dir.toString();
        assertTrue(run(2, "serve", "--record-versions", "5", "--port", "0", "--metrics-port", "-1")[1]
                .contains("--record-versions needs --data-dir"));
        assertTrue(run(2, "serve", "--record-age", "30d", "--port", "0", "--metrics-port", "-1")[1]
                .contains("--record-age needs --data-dir"));
        String err = run(2, "serve", "--data-dir", d, "--record-versions", "0", "--port", "0", "--metrics-port",
                "-1")[1];
        assertTrue(err.contains("record retention must keep >= 1 version, got 0"), err);
        err = run(2, "serve", "--data-dir", d, "--settlement-history", "100", "--port", "0", "--metrics-port", "-1")[1];
        assertTrue(err.contains("--settlement-history bounds the in-memory history without --data-dir"), err);
        err = run(2, "serve", "--follow", "127.0.0.1:1", "--record-versions", "5", "--port", "0",
                "--metrics-port", "-1")[1];
        assertTrue(err.contains("--follow cannot be combined with --record-versions"), err);
        assertTrue(run(2, "serve", "--accept-journal-loss", "--port", "0", "--metrics-port", "-1")[1]
                .contains("--accept-journal-loss needs --data-dir"));
    }
}
