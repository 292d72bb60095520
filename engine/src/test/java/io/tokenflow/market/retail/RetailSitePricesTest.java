package io.tokenflow.market.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenflow.market.clearing.MarketClearing;
import io.tokenflow.market.clearing.SolverKind;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.market.solution.ClearingResult;
import io.tokenflow.market.solution.NodePrice;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RetailSitePricesTest {

    @Test
    void aSitePriceIsEnergyPlusTheNodesOwnRentNotTheLocationalPrice() {
        Scenario scenario = EmbeddedScenarios.get("five-node");
        ClearingResult result = MarketClearing.clearOnce(scenario, SolverKind.GLOP);
        SitePrices sites = SitePrices.of(scenario, result);
        int local = 0;
        int elsewhere = 0;
        for (NodePrice p : result.prices()) {
            double site = sites.at(p.node(), p.classId()).orElseThrow();
            double mu = result.processing(p.node(), p.classId()).scarcityRent();
            if (p.servingNode().equals(Optional.of(p.node()))) {
                // served where it arises: π's energy and scarcity terms are this very site's g and μ
                assertEquals(p.energy() + p.scarcity(), site, 1e-9, p.node() + "/" + p.classId());
                local++;
            } else {
                // π is set by another site; the site price is still this node's own g + μ
                assertTrue(site >= mu, p.node() + "/" + p.classId());
                elsewhere++;
            }
        }
        assertTrue(local > 0 && elsewhere > 0, local + " local, " + elsewhere + " served elsewhere");
    }

    @Test
    void unknownSitesAreNamed() {
        Scenario scenario = EmbeddedScenarios.get("two-node");
        SitePrices sites = SitePrices.of(scenario, MarketClearing.clearOnce(scenario, SolverKind.GLOP));
        RetailGame game = new RetailGame("g", new RetailGame.Weights(1, 1, 0), List.of(
                new RetailGame.Provider("p", 1, 1, 1, OptionalDouble.empty(),
                        Optional.of(new RetailGame.Site("atlantis", "chat")))),
                List.of(new RetailGame.User("u", 1, Map.of("p", 0.0))), Optional.of("p"),
                Optional.of(new RetailGame.PriceRange(0, 1)));
        InvalidGameException e = assertThrows(InvalidGameException.class,
                () -> RetailPricing.answer(game, Optional.of(sites), 0));
        assertEquals("providers[0].node 'atlantis' is not a node of market '" + scenario.name() + "'", e.getMessage());
    }
}
