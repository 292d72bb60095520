package io.tokenflow.market.menu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.market.io.MenuJson;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading menu problems and writing menus: the format's fields, and bad input refused by field and value. */
class MenuJsonTest {
    static final String EXAMPLE = """
            {"name": "chat-ashburn", "costPerMTokens": 0.078,
             "value": {"kind": "saturating", "scaleTokens": 2000},
             "types": [{"id": "casual", "share": 0.6, "valuePerRequest": 0.002},
                       {"id": "pro", "share": 0.3, "valuePerRequest": 0.01},
                       {"id": "power", "share": 0.1, "valuePerRequest": 0.05}],
             "caps": {"min": 0, "max": 32000, "step": 250}, "maxTiers": 4}
            """;

    @Test
    void readsEveryFieldOfTheFormat() {
        MenuRequest f = MenuJson.read(EXAMPLE);
        assertEquals("chat-ashburn", f.name());
        assertEquals(OptionalDouble.of(0.078), f.costPerMTokens());
        assertEquals(new ValueCurve.Saturating(2000), f.value());
        assertEquals(List.of(new UserType("casual", 0.6, 0.002), new UserType("pro", 0.3, 0.01),
                new UserType("power", 0.1, 0.05)), f.types());
        assertEquals(new CapGrid(0, 32000, 250), f.caps());
        assertEquals(129, f.caps().size());
        assertEquals(OptionalInt.of(4), f.maxTiers());

        MenuRequest located = MenuJson.read("""
                {"origin": "ashburn", "class": "chat",
                 "value": {"kind": "points", "points": [[0, 0], [1000, 0.6], [4000, 0.9], [16000, 1]]},
                 "types": [{"id": "a", "share": 1, "valuePerRequest": 0.01}], "caps": {"max": 16000, "step": 1000}}
                """);
        assertEquals("menu", located.name());
        assertEquals(Optional.of("ashburn"), located.origin());
        assertEquals(Optional.of("chat"), located.classId());
        assertEquals(OptionalDouble.empty(), located.costPerMTokens());
        assertEquals(OptionalInt.empty(), located.maxTiers(), "absent: no limit");
        assertEquals(new CapGrid(0, 16000, 1000), located.caps(), "min defaults to 0");
        // [0, 0] is implied, and may be written; past the last point v stays at its value
        ValueCurve v = located.value();
        assertEquals(0.3, v.value(500), 1e-15);
        assertEquals(0.75, v.value(2500), 1e-15);
        assertEquals(1, v.value(1e9), 0);
        assertEquals(0.6, located.problem(0.1).value().value(1000), 0);
    }

    @Test
    void writesTheAnswerInTheFormatsFields() throws Exception {
        MenuProblem p = MenuJson.read(EXAMPLE).problem();
        TierMenu m = MenuSolver.solve(p);
        JsonNode out = new ObjectMapper().readTree(MenuJson.write(new OriginMenu("ashburn", "chat", m)));
        assertEquals(List.of("name", "origin", "class", "costPerMTokens", "profitPerRequest", "tiers", "choices", "exact"),
                iterable(out.fieldNames()));
        assertEquals(m.profitPerRequest(), out.get("profitPerRequest").asDouble(), 0);
        JsonNode tier = out.get("tiers").get(0);
        assertEquals(List.of("capTokens", "pricePerRequest", "costFloorPerRequest", "types"), iterable(tier.fieldNames()));
        assertEquals(m.tiers().get(0).capTokens(), tier.get("capTokens").asLong());
        JsonNode choice = out.get("choices").get(0);
        assertEquals(List.of("type", "capTokens", "pricePerRequest", "surplus"), iterable(choice.fieldNames()));
        assertEquals(3, out.get("choices").size());
        assertTrue(out.get("exact").asBoolean());
        JsonNode plain = new ObjectMapper().readTree(MenuJson.write(m));
        assertTrue(plain.get("origin") == null);
        JsonNode all = new ObjectMapper().readTree(MenuJson.writeAll("chat", List.of(new OriginMenu("a", "chat", m),
                new OriginMenu("b", "chat", m))));
        assertEquals("chat", all.get("class").asText());
        assertEquals("b", all.get("menus").get(1).get("origin").asText());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** Replaces {@code from} in the example with {@code to} and expects a message starting with the field. */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        // shares that do not add up to 1
        "\"share\": 0.1, \"valuePerRequest\": 0.05|\"share\": 0.2, \"valuePerRequest\": 0.05|types: the shares add up to 1.1",
        "\"share\": 0.6|\"share\": -0.6|types[0].share must be within [0, 1], got -0.6",
        "\"valuePerRequest\": 0.002|\"valuePerRequest\": -1|types[0].valuePerRequest must be finite and >= 0, got -1",
        "\"valuePerRequest\": 0.002|\"valuePerRequest\": NaN|types[0].valuePerRequest must be finite and >= 0, got NaN",
        "\"id\": \"pro\"|\"id\": \"casual\"|types[1].id 'casual' is used twice (also types[0])",
        "\"id\": \"pro\"|\"id\": 7|types[1].id must be a string, got 7",
        "\"costPerMTokens\": 0.078|\"costPerMTokens\": -0.078|costPerMTokens must be finite and within [0, 1e12]",
        "\"costPerMTokens\": 0.078|\"costPerMTokens\": 0.078, \"origin\": \"ashburn\"|costPerMTokens: give the cost, or origin + class",
        // the curve
        "\"scaleTokens\": 2000|\"scaleTokens\": 0|value.scaleTokens must be > 0",
        "{\"kind\": \"saturating\", \"scaleTokens\": 2000}|{\"kind\": \"points\", \"points\": [[1000, 0.5], [2000, 0.4]]}|value.points[1]: the curve decreases, v 0.4 after 0.5",
        "{\"kind\": \"saturating\", \"scaleTokens\": 2000}|{\"kind\": \"points\", \"points\": [[1000, 0.2], [2000, 0.7]]}|value.points[1]: the curve is not concave",
        "{\"kind\": \"saturating\", \"scaleTokens\": 2000}|{\"kind\": \"points\", \"points\": [[1000, 0.5], [1000, 0.6]]}|value.points[1]: tokens must increase",
        "{\"kind\": \"saturating\", \"scaleTokens\": 2000}|{\"kind\": \"points\", \"points\": [[1000, 1.5]]}|value.points[0]: v must be within [0, 1], got 1.5",
        "{\"kind\": \"saturating\", \"scaleTokens\": 2000}|{\"kind\": \"points\", \"points\": [[0, 0.1], [1000, 0.5]]}|value.points[0]: only [0, 0] may sit at 0 tokens",
        "{\"kind\": \"saturating\", \"scaleTokens\": 2000}|{\"kind\": \"points\", \"points\": []}|value.points must hold at least one",
        "{\"kind\": \"saturating\", \"scaleTokens\": 2000}|{\"kind\": \"points\", \"points\": [[1000]]}|value.points[0] must be a [tokens, v] pair",
        "{\"kind\": \"saturating\", \"scaleTokens\": 2000}|{\"kind\": \"linear\"}|value.kind must be \"saturating\" or \"points\", got \"linear\"",
        // the grid
        "\"min\": 0, \"max\": 32000|\"min\": 5000, \"max\": 4000|caps: the grid is empty, max 4000 is below min 5000",
        "\"step\": 250|\"step\": 0|caps.step must be >= 1 token, got 0",
        "\"step\": 250|\"step\": 2.5|caps.step must be a whole number, got 2.5",
        "\"max\": 32000, \"step\": 250|\"max\": 1000000, \"step\": 1|caps: the grid has 1000001 points",
        "\"min\": 0|\"min\": -5|caps.min must be >= 0 tokens, got -5",
        "\"maxTiers\": 4|\"maxTiers\": 0|maxTiers must be >= 1",
        "\"maxTiers\": 4|\"maxTiers\": 4, \"tiers\": 2|unknown field 'tiers'",
    })
    void refusesBadInputNamingTheField(String from, String to, String expected) {
        assertTrue(EXAMPLE.contains(from), from);
        String json = EXAMPLE.replace(from, to);
        InvalidMenuException e = assertThrows(InvalidMenuException.class, () -> MenuJson.read(json).problem());
        assertTrue(e.getMessage().startsWith(expected), "'" + e.getMessage() + "' should start with '" + expected + "'");
    }

    @Test
    void aMillionPointsIsTheLimitAndIsAccepted() {
        assertEquals(1_000_000, new CapGrid(1, 1_000_000, 1).size());
        assertEquals(1_000_000, MenuJson.read(EXAMPLE.replace("\"max\": 32000, \"step\": 250",
                "\"max\": 999999, \"step\": 1"))
                .caps().size());
        InvalidMenuException e = assertThrows(InvalidMenuException.class, () -> new CapGrid(0, 1_000_000, 1));
        assertTrue(e.getMessage().contains("more than the limit of 1000000"), e.getMessage());
    }

    @Test
    void refusesProblemsWithoutACostOrWithMalformedJson() {
        String located = EXAMPLE.replace("\"costPerMTokens\": 0.078", "\"origin\": \"ashburn\", \"class\": \"chat\"");
        InvalidMenuException e = assertThrows(InvalidMenuException.class, () -> MenuJson.read(located).problem());
        assertTrue(e.getMessage().startsWith("costPerMTokens is required without a market"), e.getMessage());
        assertTrue(assertThrows(InvalidMenuException.class, () -> MenuJson.read("{\"name\": ")).getMessage()
                .startsWith("malformed JSON"));
        assertTrue(assertThrows(InvalidMenuException.class, () -> MenuJson.read("")).getMessage()
                .startsWith("the menu problem is empty"));
        assertTrue(assertThrows(InvalidMenuException.class, () -> MenuJson.read("[1]")).getMessage()
                .startsWith("menu problem must be a JSON object"));
        assertTrue(assertThrows(InvalidMenuException.class, () -> MenuJson.read(EXAMPLE.replace(
                "\"caps\": {\"min\": 0, \"max\": 32000, \"step\": 250},", ""))).getMessage().startsWith("caps is required"));
        assertTrue(assertThrows(InvalidMenuException.class, () -> new MenuProblem("x", 1, new ValueCurve.Saturating(1),
                List.of(), new CapGrid(0, 1, 1), OptionalInt.empty())).getMessage().startsWith("types must hold"));
        List<UserType> many = java.util.stream.IntStream.range(0, 101)
                .mapToObj(i -> new UserType("t" + i, 1 / 101.0, 0.01)).toList();
        assertTrue(assertThrows(InvalidMenuException.class, () -> new MenuProblem("x", 1, new ValueCurve.Saturating(1),
                many, new CapGrid(0, 1, 1), OptionalInt.empty())).getMessage().startsWith("types holds 101 types"));
    }
}
