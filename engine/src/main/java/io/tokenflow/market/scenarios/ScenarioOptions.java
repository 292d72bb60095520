package io.tokenflow.market.scenarios;

import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.model.Scenario;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Variations of an embedded scenario, as the paper's experiments use them.
 *
 * @param scale          demand scale (the paper's 1x-45x); empty means the scenario's default
 * @param bandwidthModel empty means the scenario's own (token-equivalent)
 * @param maxLatencyMs   per-class latency limits that replace the scenario's (ms)
 * @param opexAdder      add the paper's uniform non-energy opex adder to every class
 *                       (docs/paper-reproduction.md: A ≈ $4.3876 per MW-hour of class capacity)
 * @param latencyScope   empty means the scenario's own (PER_LINK for the paper's, as the paper reads limits)
 */
public record ScenarioOptions(
        OptionalDouble scale,
        Optional<BandwidthModel> bandwidthModel,
        Map<String, Double> maxLatencyMs,
        boolean opexAdder,
        Optional<LatencyScope> latencyScope) {

    public ScenarioOptions {
        scale.ifPresent(s -> {
            if (!Double.isFinite(s) || s < 0) {
                throw new IllegalArgumentException("scale must be finite and >= 0, got " + s);
            }
        });
        maxLatencyMs.forEach((cls, ms) -> {
            if (ms == null || !Double.isFinite(ms) || ms < 0) {
                throw new IllegalArgumentException("max latency for class '" + cls + "' must be finite and >= 0, got "
                        + ms);
            }
        });
        maxLatencyMs = java.util.Collections.unmodifiableMap(new TreeMap<>(maxLatencyMs));
    }

    /**
     * These options applied to a scenario that is not built from the paper's rules (a file, the
     * two-node example): the bandwidth model and latency limits replace the scenario's, the scale
     * multiplies its demand. The opex adder needs the paper's throughput per MW, so it is refused.
     */
    public Scenario applyTo(Scenario scenario) {
        if (opexAdder) {
            throw new IllegalArgumentException("--opex-adder applies to the paper's scenarios (five-node, twenty-node) only");
        }
        Scenario result = bandwidthModel.map(scenario::withBandwidthModel).orElse(scenario);
        result = latencyScope.map(result::withLatencyScope).orElse(result);
        for (Map.Entry<String, Double> limit : maxLatencyMs.entrySet()) {
            result.classIndex(limit.getKey());
            result = result.withClasses(c -> c.id().equals(limit.getKey()) ? c.withMaxLatencyMs(limit.getValue()) : c);
        }
        return scale.isPresent() ? result.withDemandScaled(scale.getAsDouble()) : result;
    }

    public static ScenarioOptions defaults() {
        return new ScenarioOptions(OptionalDouble.empty(), Optional.empty(), Map.of(), false, Optional.empty());
    }

    public ScenarioOptions withScale(double s) {
        return new ScenarioOptions(OptionalDouble.of(s), bandwidthModel, maxLatencyMs, opexAdder, latencyScope);
    }

    public ScenarioOptions withBandwidthModel(BandwidthModel model) {
        return new ScenarioOptions(scale, Optional.of(model), maxLatencyMs, opexAdder, latencyScope);
    }

    public ScenarioOptions withMaxLatency(String classId, double ms) {
        Map<String, Double> limits = new TreeMap<>(maxLatencyMs);
        limits.put(classId, ms);
        return new ScenarioOptions(scale, bandwidthModel, limits, opexAdder, latencyScope);
    }

    public ScenarioOptions withOpexAdder() {
        return new ScenarioOptions(scale, bandwidthModel, maxLatencyMs, true, latencyScope);
    }

    public ScenarioOptions withLatencyScope(LatencyScope scope) {
        return new ScenarioOptions(scale, bandwidthModel, maxLatencyMs, opexAdder, Optional.of(scope));
    }
}
