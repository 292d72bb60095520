package io.tokenflow.market.scenarios;

import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scenarios shipped with the engine:
 * <ul>
 *   <li>{@code two-node}: the hand-solved example of the scenario spec (scale 1 = as written);</li>
 *   <li>{@code five-node}: the paper's 5-node testbed with fitted demand weights (default scale 35x,
 *       the paper's primary operating point);</li>
 *   <li>{@code twenty-node}: the five sites plus 15 real US metros; MW and demand weights made up
 *       (default scale 35x).</li>
 * </ul>
 */
public final class EmbeddedScenarios {
    public static final String DEFAULT = "five-node";
    private static final List<String> NAMES = List.of("two-node", "five-node", "twenty-node");

    private EmbeddedScenarios() {}

    public static List<String> names() {
        return NAMES;
    }

    public static boolean exists(String name) {
        return NAMES.contains(name);
    }

    /** The scale a name means when none is given. */
    public static double defaultScale(String name) {
        return name.equals("two-node") ? 1 : 35;
    }

    public static Scenario get(String name) {
        return get(name, ScenarioOptions.defaults());
    }

    public static Scenario get(String name, ScenarioOptions options) {
        double scale = options.scale().orElse(defaultScale(name));
        return switch (name) {
            case "two-node" -> twoNode(options);
            case "five-node" -> PaperTestbed.build(label("five-node", scale, options, "fitted demand weights"),
                    HubRegistry.load("five-node-hubs.csv"), scale, options);
            case "twenty-node" -> PaperTestbed.build(label("twenty-node", scale, options, "made-up MW and weights"),
                    HubRegistry.load("twenty-node-hubs.csv"), scale, options);
            default -> throw new IllegalArgumentException("unknown embedded scenario '" + name + "' (embedded: "
                    + String.join(", ", NAMES) + ")");
        };
    }

    private static String label(String name, double scale, ScenarioOptions options, String provenance) {
        StringBuilder label = new StringBuilder(name).append(' ').append(formatScale(scale)).append("x");
        options.bandwidthModel().filter(m -> m == BandwidthModel.TRANSFER_AWARE)
                .ifPresent(m -> label.append(", transfer-aware"));
        for (Map.Entry<String, Double> limit : options.maxLatencyMs().entrySet()) {
            label.append(", ").append(limit.getKey()).append(" <= ").append(formatScale(limit.getValue())).append(" ms");
        }
        if (options.opexAdder()) {
            label.append(", opex adder");
        }
        options.latencyScope().filter(scope -> scope == LatencyScope.END_TO_END)
                .ifPresent(scope -> label.append(", latency end to end"));
        return label.append(" (").append(provenance).append(')').toString();
    }

    private static String formatScale(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%s", value);
    }

    private static Scenario twoNode(ScenarioOptions options) {
        try (InputStream in = EmbeddedScenarios.class.getResourceAsStream("two-node.json")) {
            if (in == null) {
                throw new IllegalStateException("two-node.json is missing from the classpath");
            }
            return options.applyTo(ScenarioJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
