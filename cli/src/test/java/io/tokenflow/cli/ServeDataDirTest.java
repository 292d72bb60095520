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
}
