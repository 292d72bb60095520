package io.tokenflow.cli;

import io.tokenflow.client.PricingOracleClient;
import io.tokenflow.client.PricingOracleClientBuilder;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a CLI client reaches a running oracle: the TLS trust and bearer token every client command takes. */
final class OracleConnectionOptions {
    @Option(names = "--tls-ca", paramLabel = "PEM", description = "Speak TLS, trusting the CA certificates in this file.")
    Path tlsCa;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Send 'authorization: Bearer TOKEN' when the oracle runs with --auth (the role each call "
                    + "needs: docs/security.md).")
    String token;


    /** An SDK client builder for {@code target}, with this TLS trust and token. */
    PricingOracleClientBuilder builder(String target) {
        PricingOracleClientBuilder builder = PricingOracleClient.builder().target(target);
        if (tlsCa != null) {
            builder.trustedCertificates(tlsCa);
        }
        if (token != null) {
            builder.bearerToken(token);
        }
        return builder;
    }

    /** A client for one-off calls (no local table), each call given {@code deadline}. */
    PricingOracleClient client(String target, java.time.Duration deadline) {
        return builder(target).watch(false).deadline(deadline).build();
    }
}
