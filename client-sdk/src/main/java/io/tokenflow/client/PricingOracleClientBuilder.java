package io.tokenflow.client;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link PricingOracleClient}. Setters fail fast, naming the offending value. Either
 * {@link #target} (the client makes and owns its channel) or {@link #channel} (reused, not closed by the
 * client) must be given.
 */
public final class PricingOracleClientBuilder {
    Optional<String> target = Optional.empty();
    Optional<ManagedChannel> channel = Optional.empty();
    boolean plaintext = true;
    Optional<Path> trustedCertificates = Optional.empty();
    Optional<String> bearerToken = Optional.empty();
    Optional<Path> clientCertificate = Optional.empty();
    Optional<Path> clientKey = Optional.empty();
    Duration deadline = Duration.ofSeconds(2);
    boolean watch = true;
    Set<String> watchClasses = Set.of();
    Duration maxTableAge = Duration.ofSeconds(30);
    Duration initialBackoff = Duration.ofMillis(100);
    Duration maxBackoff = Duration.ofSeconds(10);
    Duration probeEvery = Duration.ofSeconds(2);
    Duration probeTimeout = Duration.ofSeconds(2);
    Clock clock = Clock.systemUTC();
    Optional<TableListener> tableListener = Optional.empty();
    int maxInboundMessageBytes = 4 << 20;

    PricingOracleClientBuilder() {}

    /** The oracle's address, {@code HOST:PORT} (or any gRPC target string). */
    public PricingOracleClientBuilder target(String hostPort) {
        if (hostPort == null || hostPort.isBlank()) {
            throw new IllegalArgumentException("target must be HOST:PORT, got '" + hostPort + "'");
        }
        this.target = Optional.of(hostPort);
        return this;
    }

    /** Reuse a channel the caller owns (the client will not shut it down). */
    public PricingOracleClientBuilder channel(ManagedChannel existing) {
        this.channel = Optional.of(Objects.requireNonNull(existing, "channel"));
        return this;
    }

    /** Speak TLS, trusting the system's roots. */
    public PricingOracleClientBuilder useTransportSecurity() {
        this.plaintext = false;
        return this;
    }

    /** Speak TLS, trusting the CA certificates in this PEM file. */
    public PricingOracleClientBuilder trustedCertificates(Path pem) {
        this.plaintext = false;
        this.trustedCertificates = Optional.of(Objects.requireNonNull(pem, "trusted certificates"));
        return this;
    }

    /**
     * Speak TLS and present this client certificate chain and PKCS#8 private key (both PEM), for an
     * oracle that requires mTLS ({@code --tls-client-ca}); the certificate's subject can be a principal.
     */
    public PricingOracleClientBuilder clientCertificate(Path certPem, Path keyPem) {
        this.plaintext = false;
        this.clientCertificate = Optional.of(Objects.requireNonNull(certPem, "client certificate"));
        this.clientKey = Optional.of(Objects.requireNonNull(keyPem, "client key"));
        return this;
    }

    /** Send {@code authorization: Bearer TOKEN} on every call. */
    public PricingOracleClientBuilder bearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("bearer token must not be empty");
        }
        this.bearerToken = Optional.of(token);
        return this;
    }

    /** Deadline of each unary call (default 2 s). */
    public PricingOracleClientBuilder deadline(Duration perCall) {
        this.deadline = positive("deadline", perCall);
        return this;
    }

    /** Keep a local table through WatchPrices (default true); without it every answer is a call. */
    public PricingOracleClientBuilder watch(boolean keepLocalTable) {
        this.watch = keepLocalTable;
        return this;
    }

    /** Classes the local table holds (default: all). */
    public PricingOracleClientBuilder watchClasses(Set<String> classes) {
        this.watchClasses = Set.copyOf(classes);
        return this;
    }

    /**
     * The local table answers while the stream is up and its last message arrived at most this long ago
     * (default 30 s). The oracle sends a table only on change, so on a quiet market a longer limit keeps
     * answers local; a shorter one falls back to calls sooner when the stream silently stalls.
     */
    public PricingOracleClientBuilder maxTableAge(Duration age) {
        this.maxTableAge = positive("max table age", age);
        return this;
    }

    /** Reconnect backoff of the watch stream: doubles from {@code initial} up to {@code max} (defaults 100 ms, 10 s). */
    public PricingOracleClientBuilder backoff(Duration initial, Duration max) {
        positive("initial backoff", initial);
        positive("max backoff", max);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is below initial backoff " + initial);
        }
        this.initialBackoff = initial;
        this.maxBackoff = max;
        return this;
    }

    /**
     * The largest answer the client accepts (default 4 MiB, gRPC's own default); GetMarket on a market of
     * thousands of nodes needs more. Applies to a channel the client makes from {@link #target}.
     */
    public PricingOracleClientBuilder maxInboundMessageBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("max inbound message bytes must be >= 1, got " + bytes);
        }
        this.maxInboundMessageBytes = bytes;
        return this;
    }

    /**
     * While the watch stream is up, ask the oracle's health service every {@code every} and give up on an
     * answer after {@code timeout} (defaults 2 s and 2 s). An oracle that does not answer (frozen, cut
     * off without a reset, a long pause) ends the stream: the table stops being fresh and the client
     * reconnects, so no table is called fresh more than about {@code every + timeout} after its oracle
     * went silent. A quiet market still sends no tables; the probe is what tells the two apart.
     */
    public PricingOracleClientBuilder livenessProbe(Duration every, Duration timeout) {
        this.probeEvery = positive("liveness probe interval", every);
        this.probeTimeout = positive("liveness probe timeout", timeout);
        return this;
    }

    /** Tell {@code listener} of every table the watch stream brings and of every loss of the stream. */
    public PricingOracleClientBuilder tableListener(TableListener listener) {
        this.tableListener = Optional.of(Objects.requireNonNull(listener, "table listener"));
        return this;
    }

    public PricingOracleClientBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    private static Duration positive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, got " + value);
        }
        return value;
    }

    /** @throws IllegalStateException if neither a target nor a channel was given, or both */
    public PricingOracleClient build() {
        if (target.isPresent() == channel.isPresent()) {
            throw new IllegalStateException("give exactly one of target(HOST:PORT) and channel(ManagedChannel)");
        }
        if (tableListener.isPresent() && !watch) {
            throw new IllegalStateException("a table listener needs the watch stream: watch(false) was set");
        }
        return new GrpcPricingOracleClient(this);
    }
}
