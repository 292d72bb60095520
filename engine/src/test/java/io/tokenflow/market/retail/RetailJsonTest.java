package io.tokenflow.market.retail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenflow.market.io.CalibrationJson;
import io.tokenflow.market.io.RetailJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retail formats as read and written: round trips, and errors that name the JSON path and the value. */
class RetailJsonTest {
    private static final String GAME = """
            {
              "name": "coding-market",
              "weights": { "price": 1.0, "congestion": 0.8, "delay": 0.002 },
              "providers": [
                { "id": "p1", "price": 3.0, "capacity": 2000000, "value": 5.0, "marginalCost": 0.9 },
                { "id": "p2", "price": 2.5, "capacity": 1200000, "value": 4.2, "node": "dallas", "class": "code" }
              ],
              "users": [
                { "id": "app1", "demand": 1500000, "delayMs": { "p1": 40, "p2": 55 } },
                { "id": "app2", "demand": 600000, "delayMs": { "p2": 20 } }
              ],
              "target": "p1",
              "priceRange": [0, 20]
            }
            """;

    private static void assertRefused(String message, String json) {
        InvalidGameException e = assertThrows(InvalidGameException.class, () -> RetailJson.readGame(json));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aGameRoundTrips() {
        RetailGame game = RetailJson.readGame(GAME);
        assertEquals(game, RetailJson.readGame(RetailJson.writeGame(game)));
        assertEquals(new RetailGame.Site("dallas", "code"), game.provider("p2").site().orElseThrow());
        assertEquals(List.of("p1", "p2"), List.copyOf(game.users().get(0).delayMs().keySet()));
    }

    @Test
    void defaultsAreThoseOfTheFormat() {
        RetailGame game = RetailJson.readGame(GAME.replace("\"price\": 1.0, ", "").replace(", \"delay\": 0.002", "")
                .replace("\"name\": \"coding-market\",", ""));
        assertEquals(new RetailGame.Weights(1, 0.8, 0), game.weights());
        assertEquals("unnamed", game.name());
    }

    @Test
    void errorsNameThePathAndTheValue() {
        assertRefused("providers[0]: unknown field 'cost' (allowed: capacity, class, id, marginalCost, node, price, value)",
                GAME.replace("\"marginalCost\"", "\"cost\""));
        assertRefused("providers[1]: node and class go together, got only node", GAME.replace(", \"class\": \"code\"", ""));
        assertRefused("providers[1].marginalCost and node/class are both given: give one",
                GAME.replace("\"value\": 4.2,", "\"value\": 4.2, \"marginalCost\": 1,"));
        assertRefused("providers[1].id 'p1' is given twice (also providers[0])", GAME.replace("\"id\": \"p2\"", "\"id\": \"p1\""));
        assertRefused("users[0].delayMs.p2 must be finite and within [0, 1e12], got -55", GAME.replace("\"p2\": 55", "\"p2\": -55"));
        assertRefused("weights.congestion must be finite, > 0 and <= 1e12, got 0", GAME.replace("0.8", "0"));
        assertRefused("providers[0].price must be finite and within [0, 1e12], got Infinity",
                GAME.replace("\"price\": 3.0", "\"price\": Infinity"));
        assertRefused("providers[0].price must be a number, got \"3\"", GAME.replace("\"price\": 3.0", "\"price\": \"3\""));
        assertRefused("priceRange is required with a target", GAME.replace(",\n  \"priceRange\": [0, 20]", ""));
        assertRefused("priceRange must be [lo, hi], got [0]", GAME.replace("[0, 20]", "[0]"));
        assertRefused("users must list at least one user", GAME.replaceAll("(?s)\"users\": \\[.*?\\n  \\]", "\"users\": []"));
        assertRefused("weights is required", GAME.replace("\"weights\": { \"price\": 1.0, \"congestion\": 0.8, \"delay\": 0.002 },", ""));
        InvalidGameException e = assertThrows(InvalidGameException.class, () -> RetailJson.readGame("{"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("malformed JSON at line 1 column 2: "),
                e.getMessage());
    }

    @Test
    void calibrationErrorsNameTheDay() {
        String days = """
                {"observations": [ {"day": "d1",
                  "providers": [ {"id": "a", "price": 1, "capacity": 1000} ],
                  "users": [ {"id": "u", "demand": 10, "delayMs": {"a": 5}} ],
                  "flows": [ {"user": "u", "provider": "b", "tokensPerSecond": 10} ] } ]}
                """;
        InvalidGameException e = assertThrows(InvalidGameException.class, () -> CalibrationJson.read(days));
        assertEquals("observations[0].flows[0].provider 'b' is not available to user 'u' on day d1", e.getMessage());
        e = assertThrows(InvalidGameException.class, () -> CalibrationJson.read(days.replace("\"capacity\": 1000",
                "\"capacity\": 0")));
        assertEquals("observations[0].providers[0].capacity must be finite, > 0 and <= 1e12, got 0", e.getMessage());
        e = assertThrows(InvalidGameException.class, () -> CalibrationJson.read(days.replace("\"user\": \"u\"",
                "\"user\": \"v\"")));
        assertEquals("observations[0].flows[0].user 'v' is not a user of day d1", e.getMessage());
    }
}
