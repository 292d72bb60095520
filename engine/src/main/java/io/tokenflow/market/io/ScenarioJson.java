package io.tokenflow.market.io;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.ComputeNode;
import io.tokenflow.market.model.Demand;
import io.tokenflow.market.model.InvalidScenarioException;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Link;
import io.tokenflow.market.model.Scenario;
import io.tokenflow.market.model.WorkloadClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes scenario files (format v1, docs/formats.md).
 *
 * <p>Reading is strict: an unknown field, a missing required field, a value of the wrong type and
 * every rule of the model records fail with an {@link InvalidScenarioException} whose message starts
 * with the JSON location ({@code nodes[1].capacityTokensPerSecond}) and names the id and value.
 * NaN and Infinity are parsed (JSON has no such literals, but users type them) so that they can be
 * rejected by name rather than as a syntax error. Thread-safe.
 */
public final class ScenarioJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private static final Set<String> SCENARIO_FIELDS =
            Set.of("name", "bandwidthModel", "latencyScope", "classes", "nodes", "links", "demand");
    private static final Set<String> CLASS_FIELDS = Set.of("id", "gbPerMTokens", "kwhPerMTokens", "maxLatencyMs",
            "unservedPenaltyPerMTokens", "opexPerMTokens");
    private static final Set<String> NODE_FIELDS = Set.of("id", "name", "lat", "lon", "electricityPricePerKwh",
            "opexPerMTokens", "capacityTokensPerSecond");
    private static final Set<String> LINK_FIELDS =
            Set.of("from", "to", "capacityGbps", "latencyMs", "tariffPerGb", "routeCostPerMTokens");
    private static final Set<String> DEMAND_FIELDS = Set.of("origin", "class", "tokensPerSecond");

    private ScenarioJson() {}

    public static Scenario read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidScenarioException("scenario file '" + file + "' does not exist");
        }
        return read(text);
    }

    public static Scenario read(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonParseException e) {
            throw new InvalidScenarioException("malformed JSON at line " + e.getLocation().getLineNr() + " column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidScenarioException("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidScenarioException("the scenario is empty: expected a JSON object");
        }
        return scenario(root);
    }

    private static Scenario scenario(JsonNode root) {
        requireObject(root, "scenario");
        checkFields(root, "scenario", SCENARIO_FIELDS);
        String name = optionalText(root, "", "name", "unnamed");
        BandwidthModel model = bandwidthModel(root);
        LatencyScope scope = latencyScope(root);
        List<WorkloadClass> classes = list(root, "classes", true, (node, at) -> workloadClass(node, at));
        List<ComputeNode> nodes = list(root, "nodes", true, (node, at) -> computeNode(node, at));
        List<Link> links = list(root, "links", false, (node, at) -> link(node, at));
        List<Demand> demand = list(root, "demand", false, (node, at) -> demand(node, at));
        return new Scenario(name, model, scope, classes, nodes, links, demand);
    }

    private static LatencyScope latencyScope(JsonNode root) {
        JsonNode value = root.get("latencyScope");
        if (value == null || value.isNull()) {
            return LatencyScope.END_TO_END;
        }
        for (LatencyScope scope : LatencyScope.values()) {
            if (value.isTextual() && scope.name().equals(value.asText())) {
                return scope;
            }
        }
        throw new InvalidScenarioException("latencyScope must be END_TO_END or PER_LINK, got " + describe(value));
    }

    private static BandwidthModel bandwidthModel(JsonNode root) {
        JsonNode value = root.get("bandwidthModel");
        if (value == null || value.isNull()) {
            return BandwidthModel.TOKEN_EQUIVALENT;
        }
        for (BandwidthModel model : BandwidthModel.values()) {
            if (value.isTextual() && model.name().equals(value.asText())) {
                return model;
            }
        }
        throw new InvalidScenarioException("bandwidthModel must be TOKEN_EQUIVALENT or TRANSFER_AWARE, got "
                + value);
    }

    private interface ElementReader<T> {
        T read(JsonNode node, String at);
    }

    private static <T> List<T> list(JsonNode root, String field, boolean required, ElementReader<T> reader) {
        JsonNode array = root.get(field);
        if (array == null || array.isNull()) {
            if (required) {
                throw new InvalidScenarioException(field + " is required");
            }
            return List.of();
        }
        if (!array.isArray()) {
            throw new InvalidScenarioException(field + " must be an array, got " + describe(array));
        }
        List<T> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String at = field + "[" + i + "]";
            JsonNode element = array.get(i);
            requireObject(element, at);
            try {
                items.add(reader.read(element, at));
            } catch (InvalidScenarioException e) {
                throw e.getMessage().startsWith(at) ? e : e.within(at);
            }
        }
        return items;
    }

    private static WorkloadClass workloadClass(JsonNode node, String at) {
        checkFields(node, at, CLASS_FIELDS);
        return new WorkloadClass(
                requiredText(node, at, "id"),
                requiredNumber(node, at, "gbPerMTokens"),
                requiredNumber(node, at, "kwhPerMTokens"),
                optionalNumber(node, at, "maxLatencyMs"),
                optionalNumber(node, at, "unservedPenaltyPerMTokens"),
                optionalNumber(node, at, "opexPerMTokens").orElse(0));
    }

    private static ComputeNode computeNode(JsonNode node, String at) {
        checkFields(node, at, NODE_FIELDS);
        String id = requiredText(node, at, "id");
        Map<String, Double> capacity = new LinkedHashMap<>();
        JsonNode caps = node.get("capacityTokensPerSecond");
        if (caps != null && !caps.isNull()) {
            String capsAt = at + ".capacityTokensPerSecond";
            requireObject(caps, capsAt);
            Iterator<Map.Entry<String, JsonNode>> fields = caps.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                capacity.put(e.getKey(), number(e.getValue(), capsAt + "." + e.getKey()));
            }
        }
        return new ComputeNode(
                id,
                optionalText(node, at, "name", id),
                optionalNumber(node, at, "lat"),
                optionalNumber(node, at, "lon"),
                requiredNumber(node, at, "electricityPricePerKwh"),
                optionalNumber(node, at, "opexPerMTokens").orElse(0),
                capacity);
    }

    private static Link link(JsonNode node, String at) {
        checkFields(node, at, LINK_FIELDS);
        return new Link(
                requiredText(node, at, "from"),
                requiredText(node, at, "to"),
                requiredNumber(node, at, "capacityGbps"),
                optionalNumber(node, at, "latencyMs").orElse(0),
                optionalNumber(node, at, "tariffPerGb").orElse(0),
                optionalNumber(node, at, "routeCostPerMTokens").orElse(0));
    }

    private static Demand demand(JsonNode node, String at) {
        checkFields(node, at, DEMAND_FIELDS);
        return new Demand(requiredText(node, at, "origin"), requiredText(node, at, "class"),
                requiredNumber(node, at, "tokensPerSecond"));
    }

    private static void requireObject(JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            throw new InvalidScenarioException(at + " must be a JSON object, got " + describe(node));
        }
    }

    private static void checkFields(JsonNode node, String at, Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidScenarioException((at.equals("scenario") ? "" : at + ": ") + "unknown field '" + name
                        + "' (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static String fieldPath(String at, String field) {
        return at.isEmpty() ? field : at + "." + field;
    }

    private static String requiredText(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidScenarioException(fieldPath(at, field) + " is required");
        }
        if (!value.isTextual()) {
            throw new InvalidScenarioException(fieldPath(at, field) + " must be a string, got " + describe(value));
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String at, String field, String fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : requiredText(node, at, field);
    }

    private static double requiredNumber(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidScenarioException(fieldPath(at, field) + " is required");
        }
        return number(value, fieldPath(at, field));
    }

    private static OptionalDouble optionalNumber(JsonNode node, String at, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? OptionalDouble.empty()
                : OptionalDouble.of(number(value, fieldPath(at, field)));
    }

    private static double number(JsonNode value, String path) {
        if (!value.isNumber()) {
            throw new InvalidScenarioException(path + " must be a number, got " + describe(value));
        }
        return value.asDouble();
    }

    private static String describe(JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    /** The scenario as v1 JSON: fields in the spec's order, integral numbers without a fraction. */
    public static String write(Scenario scenario) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("name", scenario.name());
        root.put("bandwidthModel", scenario.bandwidthModel().name());
        root.put("latencyScope", scenario.latencyScope().name());
        ArrayNode classes = root.putArray("classes");
        for (WorkloadClass c : scenario.classes()) {
            ObjectNode o = classes.addObject();
            o.put("id", c.id());
            putNumber(o, "gbPerMTokens", c.gbPerMTokens());
            putNumber(o, "kwhPerMTokens", c.kwhPerMTokens());
            c.maxLatencyMs().ifPresent(v -> putNumber(o, "maxLatencyMs", v));
            c.unservedPenaltyPerMTokens().ifPresent(v -> putNumber(o, "unservedPenaltyPerMTokens", v));
            if (c.opexPerMTokens() != 0) {
                putNumber(o, "opexPerMTokens", c.opexPerMTokens());
            }
        }
        ArrayNode nodes = root.putArray("nodes");
        for (ComputeNode n : scenario.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("id", n.id());
            o.put("name", n.name());
            n.lat().ifPresent(v -> putNumber(o, "lat", v));
            n.lon().ifPresent(v -> putNumber(o, "lon", v));
            putNumber(o, "electricityPricePerKwh", n.electricityPricePerKwh());
            if (n.opexPerMTokens() != 0) {
                putNumber(o, "opexPerMTokens", n.opexPerMTokens());
            }
            ObjectNode caps = o.putObject("capacityTokensPerSecond");
            for (WorkloadClass c : scenario.classes()) {
                if (n.capacityTokensPerSecond().containsKey(c.id())) {
                    putNumber(caps, c.id(), n.capacityOf(c.id()));
                }
            }
        }
        ArrayNode links = root.putArray("links");
        for (Link l : scenario.links()) {
            ObjectNode o = links.addObject();
            o.put("from", l.from());
            o.put("to", l.to());
            putNumber(o, "capacityGbps", l.capacityGbps());
            putNumber(o, "latencyMs", l.latencyMs());
            putNumber(o, "tariffPerGb", l.tariffPerGb());
            if (l.routeCostPerMTokens() != 0) {
                putNumber(o, "routeCostPerMTokens", l.routeCostPerMTokens());
            }
        }
        ArrayNode demand = root.putArray("demand");
        for (Demand d : scenario.demand()) {
            ObjectNode o = demand.addObject();
            o.put("origin", d.origin());
            o.put("class", d.classId());
            putNumber(o, "tokensPerSecond", d.tokensPerSecond());
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a tree of plain values failed to print", e);
        }
    }

    static void putNumber(ObjectNode node, String field, double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            node.put(field, (long) value);
        } else {
            node.put(field, value);
        }
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
