package io.tokenflow.market.io;

import static io.tokenflow.market.io.JsonTree.checkFields;
import static io.tokenflow.market.io.JsonTree.list;
import static io.tokenflow.market.io.JsonTree.optionalNumber;
import static io.tokenflow.market.io.JsonTree.optionalText;
import static io.tokenflow.market.io.JsonTree.putNumber;
import static io.tokenflow.market.io.JsonTree.requireObject;
import static io.tokenflow.market.io.JsonTree.requiredNumber;
import static io.tokenflow.market.io.JsonTree.requiredObject;
import static io.tokenflow.market.io.JsonTree.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenflow.market.retail.InvalidGameException;
import io.tokenflow.market.retail.PriceCompetition;
import io.tokenflow.market.retail.RetailAnswer;
import io.tokenflow.market.retail.RetailGame;
import io.tokenflow.market.retail.UserEquilibrium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads retail games and writes their answers (the retail format v1, docs/retail.md).
 *
 * <p>Reading is strict: an unknown field, a missing required field, a value of the wrong type and every
 * rule of {@link RetailGame} fail with an {@link InvalidGameException} naming the JSON path and the value.
 * NaN and Infinity are parsed so that they are rejected by name. Thread-safe.
 */
public final class RetailJson {
    private static final Set<String> GAME_FIELDS = Set.of("name", "weights", "providers", "users", "target", "priceRange");
    private static final Set<String> WEIGHT_FIELDS = Set.of("price", "congestion", "delay");
    private static final Set<String> PROVIDER_FIELDS = Set.of("id", "price", "capacity", "value", "marginalCost", "node",
            "class");
    private static final Set<String> USER_FIELDS = Set.of("id", "demand", "delayMs");

    private RetailJson() {}

    public static RetailGame readGame(Path file) throws IOException {
        try {
            return readGame(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InvalidGameException("game file '" + file + "' does not exist");
        }
    }

    public static RetailGame readGame(String json) {
        return game(JsonTree.parse(json, "game"));
    }

    static RetailGame game(JsonNode root) {
        checkFields(root, "", GAME_FIELDS);
        String name = optionalText(root, "", "name");
        JsonNode w = requiredObject(root, "", "weights");
        checkFields(w, "weights", WEIGHT_FIELDS);
        RetailGame.Weights weights = new RetailGame.Weights(optionalNumber(w, "weights", "price").orElse(1),
                requiredNumber(w, "weights", "congestion"), optionalNumber(w, "weights", "delay").orElse(0));
        var providers = list(root, "", "providers", RetailJson::provider);
        var users = list(root, "", "users", RetailJson::user);
        Optional<String> target = Optional.ofNullable(optionalText(root, "", "target"));
        Optional<RetailGame.PriceRange> range = Optional.empty();
        JsonNode r = root.get("priceRange");
        if (r != null && !r.isNull()) {
            if (!r.isArray() || r.size() != 2) {
                throw new InvalidGameException("priceRange must be [lo, hi], got " + JsonTree.describe(r));
            }
            range = Optional.of(new RetailGame.PriceRange(JsonTree.number(r.get(0), "priceRange[0]"),
                    JsonTree.number(r.get(1), "priceRange[1]")));
        }
        return new RetailGame(name, weights, providers, users, target, range);
    }

    private static RetailGame.Provider provider(JsonNode node, String at) {
        requireObject(node, at);
        checkFields(node, at, PROVIDER_FIELDS);
        String nodeId = optionalText(node, at, "node");
        String classId = optionalText(node, at, "class");
        if ((nodeId == null) != (classId == null)) {
            throw new InvalidGameException(at + ": node and class go together, got only "
                    + (nodeId == null ? "class" : "node"));
        }
        return new RetailGame.Provider(requiredText(node, at, "id"), requiredNumber(node, at, "price"),
                requiredNumber(node, at, "capacity"), requiredNumber(node, at, "value"),
                optionalNumber(node, at, "marginalCost"),
                nodeId == null ? Optional.empty() : Optional.of(new RetailGame.Site(nodeId, classId)));
    }

    private static RetailGame.User user(JsonNode node, String at) {
        requireObject(node, at);
        checkFields(node, at, USER_FIELDS);
        JsonNode delays = requiredObject(node, at, "delayMs");
        Map<String, Double> delayMs = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = delays.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            delayMs.put(e.getKey(), JsonTree.number(e.getValue(), at + ".delayMs." + e.getKey()));
        }
        return new RetailGame.User(requiredText(node, at, "id"), requiredNumber(node, at, "demand"), delayMs);
    }

    /** The answer as JSON; {@code marketVersion}, when present, is the oracle version the site prices came from. */
    public static String writeAnswer(RetailAnswer answer, OptionalLong marketVersion) {
        ObjectNode root = ScenarioJson.mapper().createObjectNode();
        root.put("name", answer.name());
        answer.optimum().ifPresent(o -> {
            root.put("target", o.target());
            root.put("price", o.price());
            root.put("flow", o.flow());
            root.put("revenue", o.revenue());
            root.put("profit", o.profit());
            root.put("marginalCost", o.marginalCost());
            root.put("exact", o.exact());
            root.put("pieces", o.pieces());
        });
        marketVersion.ifPresent(v -> root.put("marketVersion", v));
        putEquilibrium(root, answer.equilibrium());
        answer.optimum().ifPresent(o -> {
            ArrayNode curve = root.putArray("curve");
            for (RetailAnswer.CurvePoint p : o.curve()) {
                ObjectNode point = curve.addObject();
                point.put("price", p.price());
                point.put("flow", p.flow());
                point.put("profit", p.profit());
            }
        });
        return JsonTree.print(root);
    }

    static void putEquilibrium(ObjectNode root, UserEquilibrium eq) {
        ArrayNode flows = root.putArray("equilibrium");
        for (UserEquilibrium.Flow f : eq.flows()) {
            ObjectNode o = flows.addObject();
            o.put("user", f.user());
            o.put("provider", f.provider());
            o.put("tokensPerSecond", f.tokensPerSecond());
        }
        ArrayNode costs = root.putArray("userCost");
        for (UserEquilibrium.UserCost c : eq.userCosts()) {
            ObjectNode o = costs.addObject();
            o.put("user", c.user());
            o.put("costPerMTokens", c.costPerMTokens());
        }
    }

    /** Every provider leading at once: the iterated best responses and where they ended. */
    public static String writeCompetition(PriceCompetition.Outcome outcome) {
        ObjectNode root = ScenarioJson.mapper().createObjectNode();
        root.put("name", outcome.name());
        root.put("converged", outcome.converged());
        root.put("rounds", outcome.rounds());
        root.put("lastChange", outcome.lastChange());
        outcome.cycleLength().ifPresent(c -> root.put("cycleLength", c));
        root.put("exact", outcome.exact());
        ArrayNode providers = root.putArray("providers");
        for (PriceCompetition.Standing s : outcome.standings()) {
            ObjectNode o = providers.addObject();
            o.put("provider", s.provider());
            o.put("price", s.price());
            o.put("flow", s.flow());
            o.put("profit", s.profit());
            o.put("marginalCost", s.marginalCost());
        }
        ArrayNode history = root.putArray("history");
        for (java.util.List<Double> round : outcome.history()) {
            ArrayNode r = history.addArray();
            round.forEach(r::add);
        }
        putEquilibrium(root, outcome.equilibrium());
        return JsonTree.print(root);
    }

    /** The game as JSON (fields in the format's order), e.g. a calibrated game ready to solve. */
    public static String writeGame(RetailGame game) {
        ObjectNode root = ScenarioJson.mapper().createObjectNode();
        root.put("name", game.name());
        ObjectNode w = root.putObject("weights");
        putNumber(w, "price", game.weights().price());
        putNumber(w, "congestion", game.weights().congestion());
        putNumber(w, "delay", game.weights().delay());
        ArrayNode providers = root.putArray("providers");
        for (RetailGame.Provider p : game.providers()) {
            ObjectNode o = providers.addObject();
            o.put("id", p.id());
            putNumber(o, "price", p.price());
            putNumber(o, "capacity", p.capacity());
            putNumber(o, "value", p.value());
            p.marginalCost().ifPresent(v -> putNumber(o, "marginalCost", v));
            p.site().ifPresent(s -> {
                o.put("node", s.node());
                o.put("class", s.classId());
            });
        }
        ArrayNode users = root.putArray("users");
        for (RetailGame.User u : game.users()) {
            ObjectNode o = users.addObject();
            o.put("id", u.id());
            putNumber(o, "demand", u.demand());
            ObjectNode d = o.putObject("delayMs");
            u.delayMs().forEach((k, v) -> putNumber(d, k, v));
        }
        game.target().ifPresent(t -> root.put("target", t));
        game.priceRange().ifPresent(r -> {
            ArrayNode a = root.putArray("priceRange");
            a.add(r.lo());
            a.add(r.hi());
        });
        return JsonTree.print(root);
    }
}
