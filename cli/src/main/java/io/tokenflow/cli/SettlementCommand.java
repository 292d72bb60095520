package io.tokenflow.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.tokenflow.api.v1.ComputeRevenue;
import io.tokenflow.api.v1.ExportSettlementRequest;
import io.tokenflow.api.v1.NetworkRevenue;
import io.tokenflow.api.v1.Payment;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.SettlementRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
                "jsonl: one SettlementRecord per line in the proto3 JSON mapping (proto field names)."})
    static final class Export implements Callable<Integer> {
        static final String CSV_HEADER = "market_version,cleared_at,superseded_at,kind,node,workload_class,"
                + "from_node,to_node,tokens_per_second,rate_per_m_tokens,amount_per_hour";

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

        @Option(names = "--to-version", defaultValue = "0", paramLabel = "N",
                description = "Last version (default: the current one).")
        long toVersion;

        @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of standard output.")
        Path out;

        @Option(names = "--deadline", defaultValue = "60s", converter = ServeCommand.DurationConverter.class,
                paramLabel = "DURATION", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
        Duration deadline;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (fromVersion < 0 || toVersion < 0) {
                throw new IllegalArgumentException("versions must be >= 0, got --from-version " + fromVersion
                        + " --to-version " + toVersion);
            }
            ManagedChannel channel = connection.channel(target);
            try {
                Iterator<SettlementRecord> records = PricingOracleGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                        .exportSettlement(ExportSettlementRequest.newBuilder()
                                .setFromVersion(fromVersion).setToVersion(toVersion).build());
                if (out == null) {
                    write(records, spec.commandLine().getOut());
                } else {
                    // write to a temporary file first so a failed export leaves no half file behind
                    Path partial = Files.createTempFile(out.toAbsolutePath().getParent(), ".settlement", ".part");
                    try (OutputStream stream = Files.newOutputStream(partial);
                            PrintWriter writer = new PrintWriter(new java.io.OutputStreamWriter(stream,
                                    StandardCharsets.UTF_8))) {
                        write(records, writer);
                    } catch (RuntimeException | IOException e) {
                        Files.deleteIfExists(partial);
                        throw e;
                    }
                    Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return 0;
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }

        private void write(Iterator<SettlementRecord> records, PrintWriter writer) {
            JsonFormat.Printer json = JsonFormat.printer().omittingInsignificantWhitespace().preservingProtoFieldNames();
            if (format == Format.csv) {
                writer.println(CSV_HEADER);
            }
            while (records.hasNext()) {
                SettlementRecord record = records.next();
                if (format == Format.jsonl) {
                    try {
                        writer.println(json.print(record));
                    } catch (InvalidProtocolBufferException e) {
                        throw new UncheckedIOException(new IOException(e));
                    }
                } else {
                    csv(record, writer);
                }
            }
            writer.flush();
        }

        static void csv(SettlementRecord r, PrintWriter w) {
            String head = r.getMarketVersion() + "," + instant(r.getClearedAt()) + ","
                    + (r.hasSupersededAt() ? instant(r.getSupersededAt()) : "") + ",";
            for (Payment p : r.getPaymentsList()) {
                w.println(head + "payment," + p.getOrigin() + "," + p.getWorkloadClass() + ",,,"
                        + num(p.getServedTokensPerSecond()) + "," + num(p.getPricePerMTokens()) + ","
                        + num(p.getAmountPerHour()));
            }
            for (ComputeRevenue c : r.getComputeRevenueList()) {
                w.println(head + "compute," + c.getNode() + "," + c.getWorkloadClass() + ",,,"
                        + num(c.getProcessedTokensPerSecond()) + "," + num(c.getRatePerMTokens()) + ","
                        + num(c.getAmountPerHour()));
            }
            for (NetworkRevenue n : r.getNetworkRevenueList()) {
                String link = head + "%s,,," + n.getFromNode() + "," + n.getToNode() + "," + num(n.getTokensPerSecond())
                        + ",,";
                w.println(String.format(Locale.ROOT, link, "network_tariff") + num(n.getTariffPerHour()));
                w.println(String.format(Locale.ROOT, link, "network_congestion_rent")
                        + num(n.getCongestionRentPerHour()));
            }
            var t = r.getTotals();
            w.println(head + "total_user_payments,,,,,,," + num(t.getUserPaymentsPerHour()));
            w.println(head + "total_compute_revenue,,,,,,," + num(t.getComputeRevenuePerHour()));
            w.println(head + "total_network_revenue,,,,,,," + num(t.getNetworkRevenuePerHour()));
            w.println(head + "merchandising_surplus,,,,,,," + num(t.getMerchandisingSurplusPerHour()));
        }

        private static String instant(Timestamp t) {
            return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
        }

        /** Shortest text that reads back to the same double (ids never contain commas: [a-z0-9_-]). */
        private static String num(double v) {
            return Double.toString(v);
        }
    }
}
