package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.model.Scenario;
import io.tokenflow.service.LeaderOracle;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code tokenflow update} against a real oracle on loopback. */
class UpdateCommandTest {
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
    }

    @AfterEach
    void stop() throws Exception {
        loopback.close();
    }

    private int run(String... args) {
        return TokenflowCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void everyKindOfChangeReachesTheClearedMarket() {
        assertEquals(0, run("update", "--target", target, "--capacity", "dallas/image=120000",
                "--demand", "ashburn/chat=1000", "--electricity", "seattle=0.09",
                "--link", "silicon-valley:seattle=250"), err.toString());
        assertEquals("""
                capacity dallas/image=120000: version 2 cleared
                demand ashburn/chat=1000: version 3 cleared
                electricity seattle=0.09: version 4 cleared
                link silicon-valley:seattle=250: version 5 cleared
                """, out.toString());
        Scenario now = oracle.state().snapshot().scenario();
        assertEquals(120_000, now.node("dallas").capacityOf("image"));
        assertEquals(1000, now.demand().stream().filter(d -> d.origin().equals("ashburn") && d.classId().equals("chat"))
                .findFirst().orElseThrow().tokensPerSecond());
        assertEquals(0.09, now.node("seattle").electricityPricePerKwh());
        assertEquals(250, now.link("silicon-valley", "seattle").capacityGbps());
        assertEquals(5, oracle.state().version());
    }

    @Test
    void malformedChangesExitTwoBeforeAnyCall() {
        assertEquals(2, run("update", "--target", target, "--capacity", "dallas=120000"));
        assertTrue(err.toString().contains("--capacity NODE/CLASS=TOKENS_PER_S expected, got 'dallas=120000'"),
                err.toString());
        assertEquals(2, run("update", "--target", target, "--link", "a:b=fast"));
        assertTrue(err.toString().contains("--link FROM:TO=GBPS: the value must be a number, got 'fast'"), err.toString());
        assertEquals(2, run("update", "--target", target));
        assertTrue(err.toString().contains("nothing to update"), err.toString());
        assertEquals(1, oracle.state().version());
    }

    @Test
    void theOraclesRefusalIsPrintedAndChangesNothing() {
        assertEquals(2, run("update", "--target", target, "--capacity", "dallas/image=NaN"));
        assertTrue(err.toString().contains("INVALID_ARGUMENT"), err.toString());
        assertTrue(err.toString().contains("NaN"), err.toString());
        assertEquals(2, run("update", "--target", target, "--capacity", "atlantis/image=5"));
        assertTrue(err.toString().contains("NOT_FOUND"), err.toString());
        assertTrue(err.toString().contains("atlantis"), err.toString());
        assertEquals(1, oracle.state().version());
        assertEquals(240_000, oracle.state().snapshot().scenario().node("dallas").capacityOf("image"));
    }
}
