package io.tokenflow.client;

import static io.tokenflow.client.InProcessOracle.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.scenarios.ScenarioOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a shortage market (five-node at 60x), the SDK's local route sheds exactly the ids the oracle's
 * Route sheds, and routes the others to the same site, on every origin x class; its quotes and the
 * oracle's FeasibleSites say the same unserved share.
 */
class LocalShedAgreementTest {
    private static final int IDS = 2_000;
    private InProcessOracle oracle;
    private PricingOracleClient local;
    private PricingOracleClient remote;

    @BeforeEach
    void start() throws Exception {
        oracle = InProcessOracle.start(EmbeddedScenarios.get("five-node", ScenarioOptions.defaults().withScale(60)));
        local = PricingOracleClient.builder().channel(oracle.channel())
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        remote = PricingOracleClient.builder().channel(oracle.channel()).watch(false).build();
        await("a fresh table", () -> local.tableStatus().fresh());
    }

    @AfterEach
    void stop() throws Exception {
        local.close();
        remote.close();
        oracle.close();
    }

    @Test
    void localAndRemoteRoutesAgreeOnEveryIdAndShedTheUnservedShare() {
        int shortPairs = 0;
        for (OracleQuote q : remote.market().prices()) {
            String at = q.origin() + " x " + q.workloadClass();
            OracleQuote localQuote = local.quote(q.origin(), q.workloadClass());
            assertEquals(AnswerSource.LOCAL_TABLE, localQuote.source(), at);
            assertEquals(q.unservedShare(), localQuote.unservedShare(), at);
            assertEquals(q.unservedTokensPerSecond(), localQuote.unservedTokensPerSecond(), at);
            assertEquals(q.demandTokensPerSecond(), localQuote.demandTokensPerSecond(), at);
            FeasibleSitesView sites = remote.feasibleSitesView(q.origin(), q.workloadClass());
            assertEquals(q.unservedShare(), sites.unservedShare(), at);
            assertEquals(q.unservedTokensPerSecond(), sites.unservedTokensPerSecond(), at);
            int shed = 0;
            for (int i = 0; i < IDS; i++) {
                String id = q.origin() + "/" + q.workloadClass() + "/" + i;
                OracleRoute l = local.route(q.origin(), q.workloadClass(), id);
                OracleRoute r = remote.route(q.origin(), q.workloadClass(), id);
                assertEquals(AnswerSource.LOCAL_TABLE, l.source(), at);
                assertEquals(r.reason(), l.reason(), at + " id " + id);
                assertEquals(r.servingNode(), l.servingNode(), at + " id " + id);
                assertEquals(r.path(), l.path(), at + " id " + id);
                assertEquals(r.clearedShare(), l.clearedShare(), at + " id " + id);
                assertEquals(r.latencyMs(), l.latencyMs(), at + " id " + id);
                assertEquals(r.unservedHint(), l.unservedHint(), at + " id " + id);
                assertEquals(r.unservedShare(), l.unservedShare(), at + " id " + id);
                assertEquals(r.pricePerMTokens(), l.pricePerMTokens(), at + " id " + id);
                if (!l.served()) {
                    shed++;
                }
            }
            if (q.unservedShare() > 0) {
                shortPairs++;
                // 2,000 ids: the binomial's standard deviation is at most 1.1 points
                assertEquals(q.unservedShare(), shed / (double) IDS, 0.04, at + " sheds its unserved share");
            } else {
                assertEquals(0, shed, at + " is fully served");
            }
        }
        assertTrue(shortPairs >= 2, "five-node at 60x leaves origins short, got " + shortPairs);
    }
}
