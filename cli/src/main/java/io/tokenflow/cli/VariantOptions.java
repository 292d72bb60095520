package io.tokenflow.cli;

import io.tokenflow.market.model.BandwidthModel;
import io.tokenflow.market.model.LatencyScope;
import io.tokenflow.market.scenarios.ScenarioOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The paper's experiment switches, shared by the commands that build scenarios. */
final class VariantOptions {
    @Option(names = "--bandwidth", paramLabel = "token-equivalent|transfer-aware",
            converter = BandwidthConverter.class,
            description = "Bandwidth model (paper eq. 1 or eq. 10); default: the scenario's own.")
    BandwidthModel bandwidth;

    @Option(names = "--max-latency", paramLabel = "CLASS=MS",
            description = "Replace a class's latency limit, e.g. --max-latency chat=15 --max-latency code=20.")
    Map<String, Double> maxLatency = new LinkedHashMap<>();

    @Option(names = "--latency-scope", paramLabel = "end-to-end|per-link", converter = ScopeConverter.class,
            description = "What a class's latency limit bounds: the whole path (end-to-end) or each link (per-link, the"
                    + " paper's rule); default: the scenario's own (per-link for five-node and twenty-node).")
    LatencyScope latencyScope;

    @Option(names = "--opex-adder",
            description = "Add the paper's uniform non-energy opex adder (A = 4.3876 $ per MW-hour of class capacity).")
    boolean opexAdder;

    ScenarioOptions toOptions() {
        ScenarioOptions options = ScenarioOptions.defaults();
        if (bandwidth != null) {
            options = options.withBandwidthModel(bandwidth);
        }
        for (Map.Entry<String, Double> limit : maxLatency.entrySet()) {
            options = options.withMaxLatency(limit.getKey(), limit.getValue());
        }
        if (latencyScope != null) {
            options = options.withLatencyScope(latencyScope);
        }
        return opexAdder ? options.withOpexAdder() : options;
    }

    static final class ScopeConverter implements picocli.CommandLine.ITypeConverter<LatencyScope> {
        @Override
        public LatencyScope convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "end-to-end", "end_to_end" -> LatencyScope.END_TO_END;
                case "per-link", "per_link" -> LatencyScope.PER_LINK;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "expected end-to-end or per-link, got '" + value + "'");
            };
        }
    }

    static final class BandwidthConverter implements picocli.CommandLine.ITypeConverter<BandwidthModel> {
        @Override
        public BandwidthModel convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "token-equivalent", "token_equivalent" -> BandwidthModel.TOKEN_EQUIVALENT;
                case "transfer-aware", "transfer_aware" -> BandwidthModel.TRANSFER_AWARE;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "expected token-equivalent or transfer-aware, got '" + value + "'");
            };
        }
    }
}
