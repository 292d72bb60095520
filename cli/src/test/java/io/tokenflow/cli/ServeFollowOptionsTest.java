package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code serve --follow} refuses what a read replica cannot have, with exit 2. */
class ServeFollowOptionsTest {
    private static String refused(String... args) {
        StringWriter err = new StringWriter();
        assertEquals(2, TokenflowCommand.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err, true)),
                err.toString());
        return err.toString();
    }

    @Test
    void followExcludesTheDataDirAndTheMarketAndUpdateOptions() {
        assertTrue(refused("serve", "--follow", "127.0.0.1:50051", "--data-dir", "d", "--port", "0")
                .contains("--follow cannot be combined with --data-dir"));
        assertTrue(refused("serve", "--follow", "127.0.0.1:50051", "--scenario", "five-node", "--port", "0")
                .contains("--follow cannot be combined with --scenario"));
        assertTrue(refused("serve", "--follow", "127.0.0.1:50051", "--max-batch", "5", "--port", "0")
                .contains("--follow cannot be combined with --max-batch"));
    }

    @Test
    void followWantsHostAndPortAndTheLeaderOptionsWantFollow() {
        assertTrue(refused("serve", "--follow", "leader", "--port", "0").contains("--follow wants HOST:PORT"));
        assertTrue(refused("serve", "--leader-token", "t", "--port", "0").contains("--leader-token needs --follow"));
    }
}
