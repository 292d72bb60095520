package io.tokenflow.market.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.menu.CapGrid;
import io.tokenflow.market.menu.InvalidMenuException;
import io.tokenflow.market.menu.MenuRequest;
import io.tokenflow.market.menu.OriginMenu;
import io.tokenflow.market.menu.TierMenu;
import io.tokenflow.market.menu.UserType;
import io.tokenflow.market.menu.ValueCurve;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads tier-menu problems and writes menus (menu format v1, docs/menus.md).
 *
 * <p>Reading is strict, as for scenarios: an unknown field, a missing required one, a value of the wrong
 * type and every rule of the menu records fail with an {@link InvalidMenuException} whose message starts
 * with the JSON path ({@code types[1].share}) and names the value. NaN and Infinity are parsed so that
 * they are refused by name. Thread-safe.
 */
public final class MenuJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private static final Set<String> PROBLEM_FIELDS =
            Set.of("name", "costPerMTokens", "origin", "class", "value", "types", "caps", "maxTiers");
    private static final Set<String> SATURATING_FIELDS = Set.of("kind", "scaleTokens");
    private static final Set<String> POINTS_FIELDS = Set.of("kind", "points");
    private static final Set<String> TYPE_FIELDS = Set.of("id", "share", "valuePerRequest");
    private static final Set<String> CAPS_FIELDS = Set.of("min", "max", "step");

    private MenuJson() {}

    public static MenuRequest read(Path file) throws IOException {
        try {
            return read(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidMenuException("menu file '" + file + "' does not exist");
        }
    }

    public static MenuRequest read(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidMenuException("malformed JSON" + (e.getLocation() == null ? "" : " at line "
                    + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr()) + ": "
                    + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidMenuException("the menu problem is empty: expected a JSON object");
        }
        requireObject(root, "menu problem");
        checkFields(root, "", PROBLEM_FIELDS);
        JsonNode cost = root.get("costPerMTokens");
        return new MenuRequest(
                optionalText(root, "name").orElse("menu"),
                present(cost) ? OptionalDouble.of(number(cost, "costPerMTokens")) : OptionalDouble.empty(),
                optionalText(root, "origin"),
                optionalText(root, "class"),
                value(required(root, "value")),
                types(required(root, "types")),
                caps(required(root, "caps")),
                present(root.get("maxTiers")) ? OptionalInt.of((int) Math.max(Integer.MIN_VALUE, Math.min(
                        Integer.MAX_VALUE, whole(root.get("maxTiers"), "maxTiers")))) : OptionalInt.empty());
    }

    private static ValueCurve value(JsonNode node) {
        requireObject(node, "value");
        JsonNode kind = node.get("kind");
        String k = present(kind) && kind.isTextual() ? kind.asText() : null;
        if ("saturating".equals(k)) {
            checkFields(node, "value", SATURATING_FIELDS);
            return new ValueCurve.Saturating(number(required(node, "value", "scaleTokens"), "value.scaleTokens"));
        }
        if ("points".equals(k)) {
            checkFields(node, "value", POINTS_FIELDS);
            JsonNode array = required(node, "value", "points");
            if (!array.isArray()) {
                throw new InvalidMenuException("value.points must be an array of [tokens, v] pairs, got "
                        + describe(array));
            }
            List<ValueCurve.Points.Point> points = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                JsonNode p = array.get(i);
                String at = "value.points[" + i + "]";
                if (!p.isArray() || p.size() != 2) {
                    throw new InvalidMenuException(at + " must be a [tokens, v] pair, got " + describe(p));
                }
                points.add(new ValueCurve.Points.Point(number(p.get(0), at + "[0]"), number(p.get(1), at + "[1]")));
            }
            return new ValueCurve.Points(points);
        }
        throw new InvalidMenuException("value.kind must be \"saturating\" or \"points\", got " + describe(kind));
    }

    private static List<UserType> types(JsonNode array) {
        if (!array.isArray()) {
            throw new InvalidMenuException("types must be an array, got " + describe(array));
        }
        List<UserType> types = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = "types[" + i + "]";
            JsonNode t = array.get(i);
            requireObject(t, at);
            checkFields(t, at, TYPE_FIELDS);
            JsonNode id = required(t, at, "id");
            if (!id.isTextual()) {
                throw new InvalidMenuException(at + ".id must be a string, got " + describe(id));
            }
            types.add(UserType.of(at, id.asText(), number(required(t, at, "share"), at + ".share"),
                    number(required(t, at, "valuePerRequest"), at + ".valuePerRequest")));
        }
        return types;
    }

    private static CapGrid caps(JsonNode node) {
        requireObject(node, "caps");
        checkFields(node, "caps", CAPS_FIELDS);
        JsonNode min = node.get("min");
        return new CapGrid(present(min) ? whole(min, "caps.min") : 0,
                whole(required(node, "caps", "max"), "caps.max"), whole(required(node, "caps", "step"), "caps.step"));
    }

    // ---- writing ----

    /** The menu as JSON: the problem's name, the cost, the profit, the tiers, each type's choice. */
    public static String write(TierMenu menu) {
        return print(menuNode(menu, null, null));
    }

    /** A menu priced at π(origin, class): as {@link #write(TierMenu)}, with the origin and class named. */
    public static String write(OriginMenu located) {
        return print(menuNode(located.menu(), located.origin(), located.classId()));
    }

    /** The menus of one class at every origin: {@code {"class": K, "menus": [...]}}, in the given order. */
    public static String writeAll(String classId, List<OriginMenu> menus) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("class", classId);
        ArrayNode all = root.putArray("menus");
        for (OriginMenu m : menus) {
            all.add(menuNode(m.menu(), m.origin(), m.classId()));
        }
        return print(root);
    }

    private static ObjectNode menuNode(TierMenu menu, String origin, String classId) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", menu.name());
        if (origin != null) {
            o.put("origin", origin);
            o.put("class", classId);
        }
        o.put("costPerMTokens", menu.costPerMTokens());
        o.put("profitPerRequest", menu.profitPerRequest());
        ArrayNode tiers = o.putArray("tiers");
        for (TierMenu.Tier t : menu.tiers()) {
            ObjectNode n = tiers.addObject();
            n.put("capTokens", t.capTokens());
            n.put("pricePerRequest", t.pricePerRequest());
            n.put("costFloorPerRequest", t.costFloorPerRequest());
            ArrayNode ids = n.putArray("types");
            t.types().forEach(ids::add);
        }
        ArrayNode choices = o.putArray("choices");
        for (TierMenu.Choice c : menu.choices()) {
            ObjectNode n = choices.addObject();
            n.put("type", c.type());
            n.put("capTokens", c.capTokens());
            n.put("pricePerRequest", c.pricePerRequest());
            n.put("surplus", c.surplus());
        }
        o.put("exact", menu.exact());
        return o;
    }

    private static String print(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a tree of plain values failed to print", e);
        }
    }

    // ---- helpers ----

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private static JsonNode required(JsonNode node, String field) {
        return required(node, "", field);
    }

    private static JsonNode required(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        if (!present(value)) {
            throw new InvalidMenuException((at.isEmpty() ? "" : at + ".") + field + " is required");
        }
        return value;
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!present(value)) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidMenuException(field + " must be a string, got " + describe(value));
        }
        return Optional.of(value.asText());
    }

    private static double number(JsonNode value, String path) {
        if (value == null || !value.isNumber()) {
            throw new InvalidMenuException(path + " must be a number, got " + describe(value));
        }
        return value.asDouble();
    }

    /** A whole number (2000 or 2000.0), as a long. */
    private static long whole(JsonNode value, String path) {
        double d = number(value, path);
        if (!Double.isFinite(d) || d != Math.rint(d) || Math.abs(d) > 1e15) {
            throw new InvalidMenuException(path + " must be a whole number, got " + describe(value));
        }
        return value.isIntegralNumber() && value.canConvertToLong() ? value.asLong() : (long) d;
    }

    private static void requireObject(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            throw new InvalidMenuException(at + " must be a JSON object, got " + describe(node));
        }
    }

    private static void checkFields(JsonNode node, String at, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidMenuException((at.isEmpty() ? "" : at + ": ") + "unknown field '" + name
                        + "' (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static String describe(JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
