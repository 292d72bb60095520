package io.tokenflow.cli;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/** The channel of a CLI client: plaintext, or TLS trusting {@code --tls-ca}; a bearer token when given. */
final class ClientSecurityOptions {
    private ClientSecurityOptions() {}

    static ManagedChannel channel(String target, Path tlsCa, String token) {
        ChannelCredentials credentials;
        if (tlsCa == null) {
            credentials = InsecureChannelCredentials.create();
        } else {
            try {
                credentials = TlsChannelCredentials.newBuilder().trustManager(tlsCa.toFile()).build();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --tls-ca " + tlsCa + ": " + e.getMessage());
            }
        }
        if (token != null) {
            if (token.isBlank()) {
                throw new IllegalArgumentException("--token must not be empty");
            }
            credentials = CompositeChannelCredentials.create(credentials, new Bearer(token));
        }
        return Grpc.newChannelBuilder(target, credentials).build();
    }

    private static final class Bearer extends CallCredentials {
        private static final Metadata.Key<String> AUTHORIZATION =
                Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
        private final String token;

        Bearer(String token) {
            this.token = token;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + token);
            applier.apply(headers);
        }
    }
}
