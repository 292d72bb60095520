package io.tokenflow.report.figures;

import io.tokenflow.market.model.Scenario;
import java.awt.Color;
import java.util.List;

/**
 * The colour of each workload class, taken from its index in the scenario's class order so that one
 * class has one colour in every figure of a report.
 */
public record ClassColours(List<String> classIds) {

    // Tableau 10 without its red, which the figures keep for congestion and saturation
    private static final List<Color> PALETTE = List.of(
            new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F), new Color(0xB07AA1),
            new Color(0x76B7B2), new Color(0xEDC948), new Color(0x9C755F), new Color(0xFF9DA7),
            new Color(0xBAB0AC));

    /** Red for saturated capacity and congested links. */
    static final Color SATURATED = new Color(0xD62728);

    public ClassColours {
        classIds = List.copyOf(classIds);
    }

    /** The class colours of a scenario, in its class order. */
    static ClassColours forScenario(Scenario scenario) {
        return new ClassColours(scenario.classes().stream().map(c -> c.id()).toList());
    }

    public Color of(String classId) {
        int index = classIds.indexOf(classId);
        if (index < 0) {
            throw new IllegalArgumentException("no colour for unknown class '" + classId + "' (classes: "
                    + classIds + ")");
        }
        return byIndex(index);
    }

    /** The palette colour at an index, cycling past its end. */
    static Color byIndex(int index) {
        return PALETTE.get(index % PALETTE.size());
    }
}
