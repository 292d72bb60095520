package io.tokenflow.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.TlsServerCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.security.AuthConfig;
import io.tokenflow.security.AuthInterceptor;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK presenting a client certificate to an oracle that requires mTLS and maps subjects to principals. */
class ClientMtlsTest {
    @TempDir
    Path dir;

    private LeaderOracle oracle;
    private OracleServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(Duration.ofMillis(200));
        }
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void aClientCertificateIsTheCredential() throws Exception {
        TestCertificates pki = new TestCertificates(dir);
        Path[] serverCert = pki.issue("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        Path[] routerCert = pki.issue("router", "CN=router-a,O=TokenFlow Test");
        AuthConfig auth = AuthConfig.parse("""
                {"principals": [{"name": "router-a", "role": "router", "subject": "CN=router-a,O=TokenFlow Test"}]}
                """, "auth.json");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder().build(), meters);
        server = new OracleServer(Grpc.newServerBuilderForPort(0, TlsServerCredentials.newBuilder()
                .keyManager(serverCert[0].toFile(), serverCert[1].toFile()).trustManager(pki.caPem.toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build()), oracle, meters, Clock.systemUTC(),
                List.of(new AuthInterceptor(auth))).start();

        try (PricingOracleClient client = PricingOracleClient.builder().target("localhost:" + server.port())
                .trustedCertificates(pki.caPem).clientCertificate(routerCert[0], routerCert[1]).watch(false)
                .deadline(Duration.ofSeconds(10)).build()) {
            assertEquals(1, client.market().marketVersion());
            // a router may not change capacity: the oracle's PERMISSION_DENIED comes back as the SDK's error
            OracleAccessDeniedException denied = assertThrows(OracleAccessDeniedException.class,
                    () -> client.updateCapacity(List.of(new CapacityChange("dallas", "chat", 1)), false));
            assertEquals("PERMISSION_DENIED", denied.statusCode());
            assertTrue(denied.getMessage().contains("principal 'router-a' (router) may not call"), denied.getMessage());
        }
        try (PricingOracleClient anonymous = PricingOracleClient.builder().target("localhost:" + server.port())
                .trustedCertificates(pki.caPem).watch(false).deadline(Duration.ofSeconds(10)).build()) {
            assertThrows(OracleUnavailableException.class, anonymous::market, "no client certificate: no handshake");
        }
    }
}
