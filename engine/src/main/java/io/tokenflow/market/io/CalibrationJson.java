package io.tokenflow.market.io;

import static io.tokenflow.market.io.JsonTree.checkFields;
import static io.tokenflow.market.io.JsonTree.list;
import static io.tokenflow.market.io.JsonTree.requireObject;
import static io.tokenflow.market.io.JsonTree.requiredNumber;
import static io.tokenflow.market.io.JsonTree.requiredObject;
import static io.tokenflow.market.io.JsonTree.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.retail.Calibration;
import io.tokenflow.market.retail.InvalidGameException;
import io.tokenflow.market.retail.Observation;
import io.tokenflow.market.retail.RetailGame;
import io.tokenflow.market.retail.UserEquilibrium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads observed days for {@code tokenflow retail calibrate} and writes the fit (docs/retail.md). Strict as
 * {@link RetailJson}: errors name the JSON path ({@code observations[3].flows[0].provider}) and the value.
 * Thread-safe.
 */
public final class CalibrationJson {
    /** How the output normalises the values (they are identified up to a common constant). */
    public static final String NORMALISATION = "values are shifted so that the smallest identified value is 0";

    private static final Set<String> ROOT_FIELDS = Set.of("observations");
    private static final Set<String> DAY_FIELDS = Set.of("day", "providers", "users", "flows");
    private static final Set<String> PROVIDER_FIELDS = Set.of("id", "price", "capacity");
    private static final Set<String> USER_FIELDS = Set.of("id", "demand", "delayMs");
    private static final Set<String> FLOW_FIELDS = Set.of("user", "provider", "tokensPerSecond");

    private CalibrationJson() {}

    public static List<Observation> read(Path file) throws IOException {
        try {
            return read(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidGameException("observations file '" + file + "' does not exist");
        }
    }

    public static List<Observation> read(String json) {
        JsonNode root = JsonTree.parse(json, "observations file");
        checkFields(root, "", ROOT_FIELDS);
        return list(root, "", "observations", CalibrationJson::day);
    }

    private static Observation day(JsonNode node, String at) {
        requireObject(node, at);
        checkFields(node, at, DAY_FIELDS);
        String day = requiredText(node, at, "day");
        var providers = list(node, at, "providers", (p, pAt) -> {
            requireObject(p, pAt);
            checkFields(p, pAt, PROVIDER_FIELDS);
            return new Observation.ObservedProvider(requiredText(p, pAt, "id"), requiredNumber(p, pAt, "price"),
                    requiredNumber(p, pAt, "capacity"));
        });
        var users = list(node, at, "users", (u, uAt) -> {
            requireObject(u, uAt);
            checkFields(u, uAt, USER_FIELDS);
            JsonNode delays = requiredObject(u, uAt, "delayMs");
            Map<String, Double> delayMs = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = delays.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                delayMs.put(e.getKey(), JsonTree.number(e.getValue(), uAt + ".delayMs." + e.getKey()));
            }
            return new RetailGame.User(requiredText(u, uAt, "id"), requiredNumber(u, uAt, "demand"), delayMs);
        });
        var flows = list(node, at, "flows", (f, fAt) -> {
            requireObject(f, fAt);
            checkFields(f, fAt, FLOW_FIELDS);
            return new UserEquilibrium.Flow(requiredText(f, fAt, "user"), requiredText(f, fAt, "provider"),
                    requiredNumber(f, fAt, "tokensPerSecond"));
        });
        try {
            return new Observation(day, providers, users, flows);
        } catch (InvalidGameException e) {
            throw e.within(at + ".");
        }
    }

    public static String write(Calibration.Result fit) {
        ObjectNode root = ScenarioJson.mapper().createObjectNode();
        ObjectNode w = root.putObject("weights");
        w.put("price", fit.weights().price());
        w.put("congestion", fit.weights().congestion());
        w.put("delay", fit.weights().delay());
        ArrayNode values = root.putArray("values");
        for (Calibration.FittedValue v : fit.values()) {
            ObjectNode o = values.addObject();
            o.put("provider", v.provider());
            o.put("value", v.value());
            o.put("identified", v.identified());
            v.atMost().ifPresent(b -> o.put("atMost", b));
            if (!v.identified()) {
                o.put("note", v.atMost().isPresent()
                        ? "never seen in use: any value up to atMost fits the observations (value is that bound)"
                        : "seen only as a user's sole provider: its value does not change any observed flow");
            }
        }
        root.put("normalisation", NORMALISATION);
        root.put("r2", fit.r2());
        root.put("maeTokensPerSecond", fit.maeTokensPerSecond());
        root.put("days", fit.days());
        root.put("pairs", fit.pairs());
        root.put("iterations", fit.iterations());
        fit.heldOut().ifPresent(h -> {
            ObjectNode o = root.putObject("heldOut");
            o.put("days", h.days());
            o.put("r2", h.r2());
            o.put("maeTokensPerSecond", h.maeTokensPerSecond());
            o.put("maxErrorShareOfDemand", h.maxErrorShareOfDemand());
        });
        return JsonTree.print(root);
    }
}
