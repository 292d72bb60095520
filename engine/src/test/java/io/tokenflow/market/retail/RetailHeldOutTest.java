package io.tokenflow.market.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.market.io.RetailJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Games made outside the project with their answers from an independent solver (NumPy and SciPy: SLSQP for the
 * support, then an exact solve of the full KKT system; src/test/resources/retail/heldout/make_heldout.py): our
 * equilibrium matches theirs and our optimum is at least as profitable as theirs (their grid + bounded
 * refinement can only find less).
 */
class RetailHeldOutTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String resource(String name) throws IOException {
        try (InputStream in = RetailHeldOutTest.class.getResourceAsStream("/retail/heldout/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"premium", "economy", "coding", "translation"})
    void matchesTheIndependentSolver(String style) throws IOException {
        RetailGame game = RetailJson.readGame(resource(style + ".json"));
        JsonNode expected = JSON.readTree(resource(style + ".expected.json"));
        UserEquilibrium posted = EquilibriumSolver.atPostedPrices(game);
        KktCheck.assertEquilibrium(game, posted, 1e-9);
        double worst = 0;
        for (JsonNode f : expected.get("equilibriumAtPostedPrices")) {
            String user = f.get("user").asText();
            double demand = game.users().stream().filter(u -> u.id().equals(user)).findFirst().orElseThrow().demand();
            double diff = Math.abs(posted.flow(user, f.get("provider").asText()) - f.get("tokensPerSecond").asDouble());
            worst = Math.max(worst, diff / demand);
        }
        // their flows are SLSQP's support solved exactly (numpy), so the two agree to rounding
        assertTrue(worst <= 1e-9, style + ": equilibrium differs by " + worst + " of a user's demand");

        RetailAnswer.Optimum ours = RetailPricing.answer(game, Optional.empty(), 0).optimum().orElseThrow();
        JsonNode theirs = expected.get("independentOptimum");
        double scale = game.priceRange().orElseThrow().hi() * game.totalDemand();
        assertTrue(ours.exact(), style);
        assertTrue(ours.profit() >= theirs.get("profit").asDouble() - 1e-9 * scale,
                style + ": ours " + ours.profit() + " < independent " + theirs.get("profit").asDouble());
        // and not by more than a bounded scalar search (xatol 1e-10) can miss
        assertEquals(theirs.get("profit").asDouble(), ours.profit(), 1e-9 * scale, style);
        System.out.printf("%s: price %.6f profit %.6f (independent %.6f at %.6f), %d pieces, equilibrium within %.2g%n",
                style, ours.price(), ours.profit(), theirs.get("profit").asDouble(), theirs.get("price").asDouble(),
                ours.pieces(), worst);
    }
}
