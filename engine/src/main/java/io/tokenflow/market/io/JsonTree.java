package io.tokenflow.market.io;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.retail.InvalidGameException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Strict reading of the retail formats' JSON trees: every failure is an {@link InvalidGameException} whose
 * message starts with the JSON path ({@code users[2].delayMs}) and shows the value. Writing: numbers as a
 * user writes them.
 */
final class JsonTree {
    private JsonTree() {}

    static JsonNode parse(String json, String what) {
        JsonNode root;
        try {
            root = ScenarioJson.mapper().readTree(json);
        } catch (JsonParseException e) {
            throw new InvalidGameException("malformed JSON at line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidGameException("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidGameException("the " + what + " is empty: expected a JSON object");
        }
        requireObject(root, what);
        return root;
    }

    static void requireObject(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            throw new InvalidGameException(at + " must be a JSON object, got " + describe(node));
        }
    }

    static void checkFields(JsonNode node, String at, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidGameException((at.isEmpty() ? "" : at + ": ") + "unknown field '" + name
                        + "' (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    static String path(String at, String field) {
        return at.isEmpty() ? field : at + "." + field;
    }

    static String requiredText(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidGameException(path(at, field) + " is required");
        }
        if (!value.isTextual()) {
            throw new InvalidGameException(path(at, field) + " must be a string, got " + describe(value));
        }
        return value.asText();
    }

    static String optionalText(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : requiredText(node, at, field);
    }

    static double requiredNumber(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidGameException(path(at, field) + " is required");
        }
        return number(value, path(at, field));
    }

    static OptionalDouble optionalNumber(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? OptionalDouble.empty() : OptionalDouble.of(number(value, path(at, field)));
    }

    static double number(JsonNode value, String path) {
        if (!value.isNumber()) {
            throw new InvalidGameException(path + " must be a number, got " + describe(value));
        }
        return value.asDouble();
    }

    static JsonNode requiredObject(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidGameException(path(at, field) + " is required");
        }
        requireObject(value, path(at, field));
        return value;
    }

    /** The elements of an array field, each read by {@code reader(element, "field[i]")}. */
    static <T> List<T> list(JsonNode node, String at, String field, BiFunction<JsonNode, String, T> reader) {
        JsonNode array = node.get(field);
        if (array == null || array.isNull()) {
            throw new InvalidGameException(path(at, field) + " is required");
        }
        if (!array.isArray()) {
            throw new InvalidGameException(path(at, field) + " must be an array, got " + describe(array));
        }
        List<T> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(reader.apply(array.get(i), path(at, field) + "[" + i + "]"));
        }
        return out;
    }

    static String describe(JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    static void putNumber(ObjectNode node, String field, double value) {
        ScenarioJson.putNumber(node, field, value);
    }

    static String print(JsonNode root) {
        try {
            return ScenarioJson.mapper().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a tree of plain values failed to print", e);
        }
    }
}
