package io.tokenflow.cli;

import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.client.SettlementExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokenflow settlement export}: pulls settlement records from a running oracle for billing. */
@Command(name = "settlement", mixinStandardHelpOptions = true,
        description = "Settlement records of a running oracle.",
        subcommands = SettlementCommand.Export.class)
final class SettlementCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    enum Format { csv, jsonl }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Export the settlement of every retained cleared version in a range, oldest first.",
                "csv: one row per money flow (payment, compute, network tariff and rent, totals), amounts in $/hr "
                        + "while the version was in force (cleared_at until superseded_at).",
                "jsonl: one SettlementRecord per line in the proto3 JSON mapping (proto field names, every field present)."})
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--target", required = true, paramLabel = "HOST:PORT", description = "The oracle to ask.")
        String target;

        @Mixin
        OracleConnectionOptions connection = new OracleConnectionOptions();

        @Option(names = "--format", defaultValue = "csv", description = "csv or jsonl (default: ${DEFAULT-VALUE}).")
        Format format;

        @Option(names = "--from-version", defaultValue = "0", paramLabel = "N",
                description = "First version (default: the oldest retained).")
        long fromVersion;

        @Option(names = "--from-time", paramLabel = "INSTANT",
                description = "Instead of --from-version: start at the version in force at this time, e.g. "
                        + "2026-12-01T10:00:00Z (versions straddling two windows appear in both; prorate them by "
                        + "cleared_at and superseded_at).")
        java.time.Instant fromTime;

        @Option(names = "--to-version", defaultValue = "0", paramLabel = "N",
                description = "Last version (default: the current one).")
        long toVersion;

        @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of standard output.")
        Path out;

        @Option(names = "--deadline", defaultValue = "60s", converter = ServeCommand.DurationConverter.class,
                paramLabel = "DURATION", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
        Duration deadline;

        @Override
        public Integer call() throws IOException {
            if (fromVersion < 0 || toVersion < 0) {
                throw new IllegalArgumentException("versions must be >= 0, got --from-version " + fromVersion
                        + " --to-version " + toVersion);
            }
            if (fromTime != null && spec.commandLine().getParseResult().hasMatchedOption("--from-version")) {
                throw new IllegalArgumentException("give --from-version or --from-time, not both");
            }
            try (PricingOracleClient client = connection.client(target, deadline)) {
                if (out == null) {
                    export(client, spec.commandLine().getOut());
                    return 0;
                }
                // write to a temporary file first so a failed export leaves no half file behind
                Path partial = Files.createTempFile(out.toAbsolutePath().getParent(), ".settlement", ".part");
                try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(partial, StandardCharsets.UTF_8))) {
                    export(client, writer);
                    if (writer.checkError()) {
                        throw new IOException("cannot write " + partial);
                    }
                } catch (RuntimeException | IOException e) {
                    Files.deleteIfExists(partial);
                    throw e;
                }
                Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
                return 0;
            }
        }

        private void export(PricingOracleClient client, PrintWriter writer) {
            if (format == Format.csv) {
                writer.println(SettlementRows.CSV_HEADER);
            }
            java.util.function.Consumer<io.tokenflow.client.SettlementView> sink = record -> {
                if (format == Format.jsonl) {
                    writer.println(SettlementRows.jsonLine(record));
                } else {
                    SettlementRows.csv(record, writer);
                }
            };
            SettlementExport done = fromTime == null ? client.exportSettlement(fromVersion, toVersion, sink)
                    : client.exportSettlement(fromTime, toVersion, sink);
            writer.flush();
            // where the next run starts, on standard error so that the data on standard output stays clean
            PrintWriter err = spec.commandLine().getErr();
            err.printf(java.util.Locale.ROOT, "tokenflow: exported %d version%s; next export: --from-version %d%n",
                    done.records(), done.records() == 1 ? "" : "s", done.nextFromVersion(fromVersion));
            err.flush();
        }
    }
}
