package io.tokenflow.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.retail.RetailAnswer;
import io.tokenflow.market.retail.RetailGame;
import io.tokenflow.market.retail.RetailPricing;
import io.tokenflow.market.retail.SitePrices;
import io.tokenflow.service.MarketSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** retailEquilibrium against a real in-process oracle: the answer is the engine's on the live version. */
class RetailSdkTest {
    private InProcessOracle oracle;
    private PricingOracleClient client;

    @BeforeEach
    void start() throws Exception {
        oracle = InProcessOracle.start("five-node");
        client = PricingOracleClient.builder().channel(oracle.channel()).watch(false).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        oracle.close();
    }

    private static RetailGameSpec spec(double targetCapacity) {
        Map<String, Double> delays = new LinkedHashMap<>();
        delays.put("chicago-chat", 30.0);
        delays.put("rival", 50.0);
        return new RetailGameSpec("sdk", 1, 0.8, 0.002, List.of(
                new RetailGameSpec.Provider("chicago-chat", 2, targetCapacity, 6, OptionalDouble.empty(),
                        Optional.of("chicago"), Optional.of("chat")),
                new RetailGameSpec.Provider("rival", 1.5, 1e6, 5, OptionalDouble.of(0.2), Optional.empty(),
                        Optional.empty())),
                List.of(new RetailGameSpec.User("app", 1.2e6, delays)), Optional.of("chicago-chat"),
                Optional.of(new RetailGameSpec.PriceRange(0, 15)));
    }

    @Test
    void theAnswerIsTheEnginesOnTheLiveVersion() {
        RetailAnswerView view = client.retailEquilibrium(spec(2e6), 21);
        MarketSnapshot now = oracle.oracle.state().snapshot();
        RetailGame game = new RetailGame("sdk", new RetailGame.Weights(1, 0.8, 0.002), List.of(
                new RetailGame.Provider("chicago-chat", 2, 2e6, 6, OptionalDouble.empty(),
                        Optional.of(new RetailGame.Site("chicago", "chat"))),
                new RetailGame.Provider("rival", 1.5, 1e6, 5, OptionalDouble.of(0.2), Optional.empty())),
                List.of(new RetailGame.User("app", 1.2e6, Map.of("chicago-chat", 30.0, "rival", 50.0))),
                Optional.of("chicago-chat"), Optional.of(new RetailGame.PriceRange(0, 15)));
        RetailAnswer.Optimum local = RetailPricing.answer(game,
                Optional.of(SitePrices.of(now.scenario(), now.result())), 21).optimum().orElseThrow();
        RetailAnswerView.Optimum remote = view.optimum().orElseThrow();
        assertEquals(now.version(), view.marketVersion());
        assertEquals(local.marginalCost(), remote.marginalCost(), 0);
        assertEquals(local.price(), remote.price(), 1e-12);
        assertEquals(local.profit(), remote.profit(), 1e-9 * Math.abs(local.profit()));
        assertTrue(remote.exact());
        assertEquals(21, remote.curve().size());
        assertEquals(1.2e6, view.equilibrium().stream().mapToDouble(RetailAnswerView.Flow::tokensPerSecond).sum(), 1e-3);
    }

    @Test
    void aBadGameIsAnInvalidArgumentNamingTheField() {
        OracleInvalidArgumentException e = assertThrows(OracleInvalidArgumentException.class,
                () -> client.retailEquilibrium(spec(-5), 0));
        assertEquals("INVALID_ARGUMENT", e.statusCode());
        assertTrue(e.getMessage().contains("game.providers[0].capacity must be finite, > 0 and <= 1e12, got -5"),
                e.getMessage());
    }
}
