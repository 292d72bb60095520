package io.tokenflow.bench.load;

import io.grpc.ManagedChannel;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.GetMarketResponse;
import io.tokenflow.api.v1.NodePrice;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.QuoteRequest;
import io.tokenflow.api.v1.QuoteResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads what the load runs need off the running oracle, once, before any load: the request list (every
 * origin x class of GetMarket's {@code result.prices}) and a real QuoteResponse of median size for the
 * echo to answer with, so that echo and oracle are driven with the same requests and answer the same
 * number of bytes.
 *
 * <p>Run: {@code java -cp ... io.tokenflow.bench.load.OracleProbe --target 127.0.0.1:PORT
 * --requests-out FILE --response-out FILE}.
 */
public final class OracleProbe {
    private OracleProbe() {}

    public static void main(String[] args) throws Exception {
        String target = null;
        Path requestsOut = null;
        Path responseOut = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--target" -> target = args[++i];
                case "--requests-out" -> requestsOut = Path.of(args[++i]);
                case "--response-out" -> responseOut = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: OracleProbe --target 127.0.0.1:PORT --requests-out FILE --response-out FILE");
                    System.exit(2);
                }
            }
        }
        if (target == null || requestsOut == null || responseOut == null) {
            System.err.println("usage: OracleProbe --target 127.0.0.1:PORT --requests-out FILE --response-out FILE");
            System.exit(2);
        }
        ManagedChannel channel = Loopback.channel(Loopback.target(target));
        try {
            var stub = PricingOracleGrpc.newBlockingStub(channel);
            GetMarketResponse market = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getMarket(GetMarketRequest.getDefaultInstance());
            List<QuoteRequest> requests = requests(market);
            List<QuoteResponse> responses = new ArrayList<>();
            for (QuoteRequest r : requests) {
                responses.add(stub.withDeadlineAfter(10, TimeUnit.SECONDS).quote(r));
            }
            responses.sort(Comparator.comparingInt(QuoteResponse::getSerializedSize));
            QuoteResponse median = responses.get(responses.size() / 2);
            StringBuilder sb = new StringBuilder("# origin<TAB>class: every origin x class of GetMarket's result.prices"
                    + " (scenario " + market.getResult().getScenario() + ", market version "
                    + market.getMarketVersion() + ")\n");
            for (QuoteRequest r : requests) {
                sb.append(r.getOrigin()).append('\t').append(r.getWorkloadClass()).append('\n');
            }
            Files.createDirectories(requestsOut.toAbsolutePath().getParent());
            Files.writeString(requestsOut, sb.toString());
            Files.createDirectories(responseOut.toAbsolutePath().getParent());
            Files.write(responseOut, median.toByteArray());
            System.out.printf("probe: scenario %s, version %d: %d origin x class requests; QuoteResponse %d..%d bytes,"
                            + " median %d (%s x %s) kept for the echo%n",
                    market.getResult().getScenario(), market.getMarketVersion(), requests.size(),
                    responses.get(0).getSerializedSize(), responses.get(responses.size() - 1).getSerializedSize(),
                    median.getSerializedSize(), median.getOrigin(), median.getWorkloadClass());
        } finally {
            channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
    }

    /** Every distinct origin x class priced in the market, in the market's order. */
    static List<QuoteRequest> requests(GetMarketResponse market) {
        Set<QuoteRequest> set = new LinkedHashSet<>();
        for (NodePrice p : market.getResult().getPricesList()) {
            set.add(QuoteRequest.newBuilder().setOrigin(p.getNode()).setWorkloadClass(p.getWorkloadClass()).build());
        }
        return List.copyOf(set);
    }
}
