package io.tokenflow.cli;

import io.tokenflow.client.CapacityChange;
import io.tokenflow.client.DemandChange;
import io.tokenflow.client.ElectricityPriceChange;
import io.tokenflow.client.LinkCapacityChange;
import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.client.UpdateAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tokenflow update}: pushes capacity, demand, electricity price and link capacity changes to a
 * running oracle, as a provider's or operator's script would. One call per kind of change, each all or
 * nothing, in the order capacity, demand, electricity, link.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = {"Push changes to a running oracle and wait until the version that includes them is cleared.",
            "Each kind of change is one call, all or nothing; several kinds make several calls (and versions, unless "
                    + "the oracle coalesces them). Prints one line per call: kind, changes, version."})
final class UpdateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "The oracle to update.")
    String target;

    @Option(names = "--capacity", paramLabel = "NODE/CLASS=TOKENS_PER_S",
            description = "Serving capacity C of a node for a class, e.g. dallas/image=120000.")
    List<String> capacity = new ArrayList<>();

    @Option(names = "--demand", paramLabel = "ORIGIN/CLASS=TOKENS_PER_S",
            description = "Demand d arising at an origin for a class, e.g. ashburn/chat=250000.")
    List<String> demand = new ArrayList<>();

    @Option(names = "--electricity", paramLabel = "NODE=USD_PER_KWH",
            description = "Electricity price p of a node, e.g. seattle=0.09.")
    List<String> electricity = new ArrayList<>();

    @Option(names = "--link", paramLabel = "FROM:TO=GBPS",
            description = "Capacity of one directed link, e.g. silicon-valley:seattle=200.")
    List<String> link = new ArrayList<>();

    @Option(names = "--no-wait", description = "Return once the oracle has accepted the changes, before the clear.")
    boolean noWait;

    @Mixin
    OracleConnectionOptions connection = new OracleConnectionOptions();

    @Option(names = "--deadline", defaultValue = "30s", converter = ServeCommand.DurationConverter.class,
            paramLabel = "DURATION", description = "Give up on each call after this long (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    /** One parsed {@code KEY=VALUE} where KEY is {@code A}, {@code A/B} or {@code A:B}. */
    private record Change(String first, String second, double value) {}

    @Override
    public Integer call() {
        List<Change> capacities = parse("--capacity", capacity, '/');
        List<Change> demands = parse("--demand", demand, '/');
        List<Change> prices = parse("--electricity", electricity, (char) 0);
        List<Change> links = parse("--link", link, ':');
        if (capacities.isEmpty() && demands.isEmpty() && prices.isEmpty() && links.isEmpty()) {
            throw new IllegalArgumentException("nothing to update: give --capacity, --demand, --electricity or --link");
        }
        boolean wait = !noWait;
        try (PricingOracleClient client = connection.client(target, deadline)) {
            if (!capacities.isEmpty()) {
                UpdateAck ack = client.updateCapacity(capacities.stream()
                        .map(c -> new CapacityChange(c.first(), c.second(), c.value())).toList(), wait);
                print("capacity", capacity, ack);
            }
            if (!demands.isEmpty()) {
                UpdateAck ack = client.updateDemand(demands.stream()
                        .map(c -> new DemandChange(c.first(), c.second(), c.value())).toList(), wait);
                print("demand", demand, ack);
            }
            if (!prices.isEmpty()) {
                UpdateAck ack = client.updateElectricityPrice(prices.stream()
                        .map(c -> new ElectricityPriceChange(c.first(), c.value())).toList(), wait);
                print("electricity", electricity, ack);
            }
            if (!links.isEmpty()) {
                UpdateAck ack = client.updateLinkCapacity(links.stream()
                        .map(c -> new LinkCapacityChange(c.first(), c.second(), c.value())).toList(), wait);
                print("link", link, ack);
            }
            return 0;
        }
    }

    private void print(String kind, List<String> changes, UpdateAck ack) {
        spec.commandLine().getOut().println(kind + " " + String.join(" ", changes) + ": version " + ack.marketVersion()
                + (ack.cleared() ? " cleared" : " accepted, not cleared yet"));
        spec.commandLine().getOut().flush();
    }

    /** Parses each {@code KEY=VALUE}; with a separator the key must be two non-empty ids joined by it. */
    private static List<Change> parse(String option, List<String> values, char separator) {
        List<Change> changes = new ArrayList<>();
        for (String text : values) {
            int eq = text.lastIndexOf('=');
            String key = eq < 0 ? "" : text.substring(0, eq);
            int sep = separator == 0 ? -1 : key.indexOf(separator);
            boolean shaped = eq > 0 && (separator == 0 ? !key.isEmpty() : sep > 0 && sep < key.length() - 1);
            String shape = option + switch (option) {
                case "--capacity" -> " NODE/CLASS=TOKENS_PER_S";
                case "--demand" -> " ORIGIN/CLASS=TOKENS_PER_S";
                case "--electricity" -> " NODE=USD_PER_KWH";
                default -> " FROM:TO=GBPS";
            };
            if (!shaped) {
                throw new IllegalArgumentException(shape + " expected, got '" + text + "'");
            }
            double value;
            try {
                value = Double.parseDouble(text.substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(shape + ": the value must be a number, got '"
                        + text.substring(eq + 1) + "'");
            }
            changes.add(separator == 0 ? new Change(key, "", value)
                    : new Change(key.substring(0, sep), key.substring(sep + 1), value));
        }
        return changes;
    }
}
