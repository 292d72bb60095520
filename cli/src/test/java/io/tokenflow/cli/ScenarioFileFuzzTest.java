package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz of every scenario-file field through {@code tokenflow clear --scenario FILE}: each case
 * mutates one field of a valid scenario (wrong type, "NaN", ±Infinity, huge or negative numbers, removal,
 * an extra field, an element duplicated). The CLI must exit 0 (still a valid market) or 2 with one line
 * naming the field, never 1 or a stack trace.
 */
class ScenarioFileFuzzTest {
    static final long SEED = 6L;
    static final int CASES = Integer.getInteger("fuzz.cli.cases", 600);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Every field path of the tree: {parent, key or index}. */
    private static void paths(JsonNode node, List<Object[]> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                out.add(new Object[] {node, e.getKey()});
                paths(e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Object[] {node, i});
                paths(node.get(i), out);
            }
        }
    }

    private static JsonNode hostile(SplittableRandom random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(16)) {
            case 0 -> f.textNode("NaN");
            case 1 -> f.numberNode(1e308);
            case 2 -> f.numberNode(-1e308);
            case 3 -> f.numberNode(-1);
            case 4 -> f.numberNode(0);
            case 5 -> f.numberNode(-0.0);
            case 6 -> f.textNode("");
            case 7 -> f.textNode("d\u00e4llas\u0000\u2603");
            case 8 -> f.booleanNode(true);
            case 9 -> f.nullNode();
            case 10 -> f.arrayNode().add(1);
            case 11 -> f.objectNode().put("x", 1);
            case 12 -> f.numberNode(new java.math.BigInteger("1" + "0".repeat(400)));
            case 13 -> f.numberNode(Double.MIN_VALUE);
            case 14 -> f.textNode("x".repeat(100_000));
            default -> f.numberNode(random.nextInt(1_000_000) - 1000);
        };
    }

    @Test
    void everyScenarioFieldFailsByNameOrStillClears() throws Exception {
        String valid = ScenarioJson.write(EmbeddedScenarios.get("two-node"));
        SplittableRandom random = new SplittableRandom(SEED);
        Map<String, Integer> exits = new TreeMap<>();
        int named = 0;
        for (int c = 0; c < CASES; c++) {
            JsonNode root = JSON.readTree(valid);
            List<Object[]> paths = new ArrayList<>();
            paths(root, paths);
            Object[] target = paths.get(random.nextInt(paths.size()));
            String key = target[1] instanceof String s ? s : null;
            String mutation;
            int kind = random.nextInt(10);
            if (target[0] instanceof ObjectNode obj) {
                if (kind == 0) {
                    obj.remove(key);
                    mutation = "remove " + key;
                } else if (kind == 1) {
                    obj.set("surplus", JsonNodeFactory.instance.numberNode(1));
                    mutation = "extra field next to " + key;
                    key = "surplus";
                } else {
                    JsonNode v = hostile(random);
                    obj.set(key, v);
                    mutation = key + " = " + abbreviate(v.toString());
                }
            } else {
                ArrayNode arr = (ArrayNode) target[0];
                int i = (Integer) target[1];
                if (kind < 4) {
                    arr.add(arr.get(i).deepCopy());
                    mutation = "duplicate element " + i;
                } else if (kind < 6) {
                    arr.remove(i);
                    mutation = "remove element " + i;
                } else {
                    arr.set(i, hostile(random));
                    mutation = "element " + i + " = " + abbreviate(arr.get(i).toString());
                }
            }
            Path file = dir.resolve("case-" + c + ".json");
            Files.writeString(file, JSON.writeValueAsString(root));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = TokenflowCommand.run(new String[] {"clear", "--scenario", file.toString()},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            String message = err.toString().strip();
            String what = "case " + c + " (" + mutation + "): exit " + exit + ": " + abbreviate(message);
            exits.merge(String.valueOf(exit), 1, Integer::sum);
            assertTrue(exit == 0 || exit == 2, what);
            assertTrue(!message.contains("\n\tat ") && !message.contains("Exception:"), what);
            if (exit == 2) {
                assertEquals(1, message.lines().count(), what);
                assertTrue(message.startsWith("tokenflow: invalid input: "), what);
                if (key != null && message.contains(key)) {
                    named++;
                }
            }
            Files.delete(file);
        }
        System.out.println("ScenarioFileFuzzTest: seed " + SEED + ", " + CASES + " cases, exits " + exits
                + ", 0 crashes; " + named + " rejections name the mutated key");
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
