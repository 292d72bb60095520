package io.tokenflow.cli;

import io.grpc.ManagedChannel;
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

    ManagedChannel channel(String target) {
        return ClientSecurityOptions.channel(target, tlsCa, token);
    }
}
