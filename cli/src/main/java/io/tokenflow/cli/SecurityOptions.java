package io.tokenflow.cli;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.TlsServerCredentials;
import io.tokenflow.security.AuthConfig;
import io.tokenflow.security.AuthInterceptor;
import io.tokenflow.security.UpdateRateLimiter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code serve}'s transport security and access control: TLS, mTLS, {@code --auth}, update rate limits. */
final class SecurityOptions {
    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve TLS with this certificate chain (PEM); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PEM",
            description = "Require client certificates signed by these CAs (mTLS); their subjects can be principals.")
    Path tlsClientCa;

    @Option(names = "--auth", paramLabel = "FILE",
            description = "Principals allowed to call, JSON {\"principals\": [...]} (see docs/security.md). "
                    + "Without it every caller may do everything, and only a loopback --bind is allowed.")
    Path auth;

    @Option(names = "--update-rate", defaultValue = "100", paramLabel = "CALLS",
            description = "Update calls per second per principal (or peer address without --auth), all of which may "
                    + "come as one burst; 0 turns the limit off (default: ${DEFAULT-VALUE}).")
    int updateRate;

    private AuthConfig authConfig;

    /** Checks the options and builds the interceptors, outermost first; refuses an open non-loopback bind. */
    List<ServerInterceptor> interceptors(String bind) throws IOException {
        if (auth == null && !loopback(bind)) {
            throw new IllegalArgumentException("--bind " + bind + " is not a loopback address: give --auth FILE "
                    + "(and TLS) before exposing the oracle");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsClientCa != null && tlsCert == null) {
            throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
        }
        for (Path p : new Path[] {tlsCert, tlsKey, tlsClientCa, auth}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read " + p);
            }
        }
        List<ServerInterceptor> out = new ArrayList<>();
        if (auth != null) {
            authConfig = AuthConfig.load(auth);
            out.add(new AuthInterceptor(authConfig));
        }
        out.add(new UpdateRateLimiter(updateRate));
        return out;
    }

    /**
     * The warning for a setup that works but leaks: principals with bearer tokens on a non-loopback bind
     * without TLS send the tokens across the network in clear (fine behind a mesh that encrypts, which is
     * why it is a warning and not a refusal).
     */
    java.util.Optional<String> plaintextTokenWarning(String bind) {
        if (auth == null || tlsCert != null || loopback(bind)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("tokenflow serve: warning: --auth on " + bind + " without TLS: bearer tokens "
                + "cross the network in clear; give --tls-cert/--tls-key unless the network encrypts (a service mesh)");
    }

    ServerCredentials serverCredentials() {
        if (tlsCert == null) {
            return InsecureServerCredentials.create();
        }
        try {
            TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder().keyManager(tlsCert.toFile(), tlsKey.toFile());
            if (tlsClientCa != null) {
                tls.trustManager(tlsClientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            return tls.build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot use --tls-cert " + tlsCert + " / --tls-key " + tlsKey
                    + (tlsClientCa == null ? "" : " / --tls-client-ca " + tlsClientCa) + ": " + e.getMessage());
        }
    }

    /** How callers are admitted, for the startup line. */
    String describe() {
        return (tlsCert == null ? ", plaintext" : tlsClientCa == null ? ", TLS" : ", mTLS")
                + (authConfig == null ? ", no auth" : ", auth: " + authConfig.principals().size() + " principals")
                + (updateRate == 0 ? "" : ", updates <= " + updateRate + "/s per caller");
    }

    static boolean loopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind " + bind + " does not resolve");
        }
    }
}
