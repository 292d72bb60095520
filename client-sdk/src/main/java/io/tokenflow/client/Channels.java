package io.tokenflow.client;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** The channel a client makes for itself: transport security, retry policy, bearer token. Stateless. */
final class Channels {
    static final String SERVICE = "tokenflow.v1.PricingOracle";
    /** Unary methods gRPC may retry on UNAVAILABLE: reads, and updates, which set values (idempotent). */
    static final List<String> RETRIED_METHODS = List.of("Quote", "Route", "FeasibleSites", "GetMarket",
            "PriceHistory", "UpdateCapacity", "UpdateDemand", "UpdateElectricityPrice", "UpdateLinkCapacity",
            "TierMenu", "RetailEquilibrium");

    private Channels() {}

    static ManagedChannel newChannel(PricingOracleClientBuilder b) {
        return Grpc.newChannelBuilder(b.target.orElseThrow(), credentials(b))
                .maxInboundMessageSize(b.maxInboundMessageBytes)
                .defaultServiceConfig(serviceConfig()).enableRetry().build();
    }

    private static ChannelCredentials credentials(PricingOracleClientBuilder b) {
        if (b.plaintext) {
            return InsecureChannelCredentials.create();
        }
        if (b.trustedCertificates.isEmpty() && b.clientCertificate.isEmpty()) {
            return TlsChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
            if (b.trustedCertificates.isPresent()) {
                tls.trustManager(b.trustedCertificates.get().toFile());
            }
            if (b.clientCertificate.isPresent()) {
                tls.keyManager(b.clientCertificate.get().toFile(), b.clientKey.orElseThrow().toFile());
            }
            return tls.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TLS files " + b.trustedCertificates.orElse(null) + ", "
                    + b.clientCertificate.orElse(null) + ", " + b.clientKey.orElse(null), e);
        }
    }

    /** gRPC retry for the unary methods: numbers as Double, as the service-config parser wants. */
    static Map<String, ?> serviceConfig() {
        List<Map<String, String>> names = RETRIED_METHODS.stream()
                .map(m -> Map.of("service", SERVICE, "method", m)).toList();
        Map<String, Object> retryPolicy = Map.of(
                "maxAttempts", 3.0,
                "initialBackoff", "0.05s",
                "maxBackoff", "0.5s",
                "backoffMultiplier", 2.0,
                "retryableStatusCodes", List.of("UNAVAILABLE"));
        return Map.of("methodConfig", List.of(Map.of("name", names, "retryPolicy", retryPolicy)));
    }

    /** {@code authorization: Bearer TOKEN} on every call. */
    static final class BearerToken extends CallCredentials {
        private static final Metadata.Key<String> AUTHORIZATION =
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        private final Metadata headers = new Metadata();

        BearerToken(String token) {
            headers.put(AUTHORIZATION, "Bearer " + token);
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata copy = new Metadata();
            copy.merge(headers);
            applier.apply(copy);
        }
    }
}
