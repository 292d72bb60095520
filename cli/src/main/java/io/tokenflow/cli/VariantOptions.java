package io.tokenflow.cli;

import io.tokenflow.market.model.BandwidthModel;
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
        return opexAdder ? options.withOpexAdder() : options;
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
