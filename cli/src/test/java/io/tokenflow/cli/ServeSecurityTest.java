package io.tokenflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.GetMarketRequest;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.security.AuthConfig;
import io.tokenflow.security.TestCertificates;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's TLS, mTLS and --auth wiring on a real Netty server, with certificates made for the test. */
class ServeSecurityTest {
    @TempDir
    static Path dir;
    static TestCertificates pki;
    static Path[] serverCert;
    static Path[] dallasCert;
    static Path[] strangerCert;
    static Path authFile;

    private LeaderOracle oracle;
    private OracleServer server;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestCertificates(dir);
        serverCert = pki.issue("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        dallasCert = pki.issue("dallas", "CN=dallas-dc,O=TokenFlow Test");
        strangerCert = pki.issue("stranger", "CN=stranger,O=TokenFlow Test");
        authFile = dir.resolve("auth.json");
        Files.writeString(authFile, """
                {"principals": [
                  {"name": "dallas-dc", "role": "provider", "nodes": ["dallas"], "subject": "CN=dallas-dc, O=TokenFlow Test"},
                  {"name": "ops", "role": "operator", "tokenSha256": "%s"}]}
                """.formatted(AuthConfig.sha256Hex("ops-token")));
    }

    @AfterEach
    void stop() throws Exception {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.stop(Duration.ofMillis(200));
        }
        if (oracle != null) {
            oracle.close();
        }
    }

    private int serve(Path cert, Path key, Path clientCa, Path auth) throws Exception {
        SecurityOptions options = new SecurityOptions();
        options.tlsCert = cert;
        options.tlsKey = key;
        options.tlsClientCa = clientCa;
        options.auth = auth;
        options.updateRate = 100;
        var access = options.interceptors("127.0.0.1");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder().build(), meters);
        server = new OracleServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                options.serverCredentials()).directExecutor(), oracle, meters, Clock.systemUTC(), access).start();
        return server.port();
    }

    private PricingOracleGrpc.PricingOracleBlockingStub stub(int port, ChannelCredentials credentials) {
        ManagedChannel c = Grpc.newChannelBuilder("localhost:" + port, credentials).build();
        channels.add(c);
        return PricingOracleGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static Status.Code code(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void tlsServesClientsThatTrustTheCaAndRefusesPlaintext() throws Exception {
        int port = serve(serverCert[0], serverCert[1], null, null);
        var tls = stub(port, TlsChannelCredentials.newBuilder().trustManager(pki.caPem.toFile()).build());
        assertEquals(1, tls.getMarket(GetMarketRequest.getDefaultInstance()).getMarketVersion());
        assertEquals(Status.Code.UNAVAILABLE, code(() -> stub(port, InsecureChannelCredentials.create())
                .getMarket(GetMarketRequest.getDefaultInstance())));
        assertEquals(Status.Code.UNAVAILABLE, code(() -> stub(port, TlsChannelCredentials.create())
                .getMarket(GetMarketRequest.getDefaultInstance())), "the system roots do not trust the test CA");
    }

    @Test
    void mtlsNeedsAClientCertificateAndItsSubjectIsThePrincipal() throws Exception {
        int port = serve(serverCert[0], serverCert[1], pki.caPem, authFile);
        long version = oracle.state().version();
        // no client certificate: the handshake fails
        ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(pki.caPem.toFile()).build();
        assertEquals(Status.Code.UNAVAILABLE, code(() -> stub(port, noCertificate)
                .getMarket(GetMarketRequest.getDefaultInstance())));
        var dallas = stub(port, TlsChannelCredentials.newBuilder().trustManager(pki.caPem.toFile())
                .keyManager(dallasCert[0].toFile(), dallasCert[1].toFile()).build());
        assertEquals(version, dallas.getMarket(GetMarketRequest.getDefaultInstance()).getMarketVersion());
        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class, () -> dallas.updateCapacity(
                UpdateCapacityRequest.newBuilder().addUpdates(CapacityUpdate.newBuilder().setNode("seattle")
                        .setWorkloadClass("chat").setTokensPerSecond(1)).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        assertTrue(denied.getStatus().getDescription().startsWith("principal 'dallas-dc' (provider)"));
        assertEquals(version, oracle.state().version());
        assertEquals(version + 1, dallas.updateCapacity(UpdateCapacityRequest.newBuilder().setWaitForClear(true)
                .addUpdates(CapacityUpdate.newBuilder().setNode("dallas").setWorkloadClass("chat")
                        .setTokensPerSecond(1e6)).build()).getMarketVersion());
        // a certificate the CA signed but no principal has: UNAUTHENTICATED
        var stranger = stub(port, TlsChannelCredentials.newBuilder().trustManager(pki.caPem.toFile())
                .keyManager(strangerCert[0].toFile(), strangerCert[1].toFile()).build());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> stranger.getMarket(GetMarketRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, unknown.getStatus().getCode());
        assertTrue(unknown.getStatus().getDescription().contains("CN=stranger"), unknown.getStatus().getDescription());
    }

    @Test
    void settlementExportSpeaksTlsWithAnOperatorToken() throws Exception {
        int port = serve(serverCert[0], serverCert[1], null, authFile);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, TokenflowCommand.run(new String[] {"settlement", "export", "--target", "localhost:" + port,
            "--tls-ca", pki.caPem.toString(), "--token", "ops-token", "--format", "jsonl"}, new PrintWriter(out, true),
                new PrintWriter(err, true)), err.toString());
        assertTrue(out.toString().startsWith("{\"market_version\":\"1\""), "one JSON line per version");
        StringWriter err2 = new StringWriter();
        assertEquals(1, TokenflowCommand.run(new String[] {"settlement", "export", "--target", "localhost:" + port,
            "--tls-ca", pki.caPem.toString()}, new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true)));
        assertTrue(err2.toString().startsWith("tokenflow: UNAUTHENTICATED: no credentials"), err2.toString());
    }

    @Test
    void serveRefusesANonLoopbackBindWithoutAuth() {
        StringWriter err = new StringWriter();
        int exit = TokenflowCommand.run(new String[] {"serve", "--bind", "0.0.0.0", "--port", "0", "--metrics-port",
            "-1"}, new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertEquals(2, exit);
        assertEquals("tokenflow: invalid input: --bind 0.0.0.0 is not a loopback address: give --auth FILE (and TLS) "
                + "before exposing the oracle", err.toString().strip());
        StringWriter err2 = new StringWriter();
        assertEquals(2, TokenflowCommand.run(new String[] {"serve", "--tls-cert", "x.pem", "--port", "0",
            "--metrics-port", "-1"}, new PrintWriter(new StringWriter()), new PrintWriter(err2, true)));
        assertEquals("tokenflow: invalid input: --tls-cert and --tls-key go together", err2.toString().strip());
    }

    @Test
    void tokensOnAPublicBindWithoutTlsAreWarnedAbout() {
        ServeCommand plain = new ServeCommand();
        new picocli.CommandLine(plain).parseArgs("--bind", "0.0.0.0", "--auth", "auth.json");
        assertEquals(java.util.Optional.of("tokenflow serve: warning: --auth on 0.0.0.0 without TLS: bearer tokens "
                + "cross the network in clear; give --tls-cert/--tls-key unless the network encrypts (a service mesh)"),
                plain.security.plaintextTokenWarning("0.0.0.0"));
        assertEquals(java.util.Optional.empty(), plain.security.plaintextTokenWarning("127.0.0.1"), "loopback");
        ServeCommand tls = new ServeCommand();
        new picocli.CommandLine(tls).parseArgs("--bind", "0.0.0.0", "--auth", "auth.json", "--tls-cert", "c.pem",
                "--tls-key", "k.pem");
        assertEquals(java.util.Optional.empty(), tls.security.plaintextTokenWarning("0.0.0.0"), "TLS");
    }
}
