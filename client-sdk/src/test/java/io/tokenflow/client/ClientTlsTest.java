package io.tokenflow.client;

import static io.tokenflow.client.InProcessOracle.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Grpc;
import io.grpc.TlsServerCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenflow.grpc.OracleServer;
import io.tokenflow.market.scenarios.EmbeddedScenarios;
import io.tokenflow.service.LeaderOracle;
import io.tokenflow.service.OracleConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that makes its own TLS channel, trusting a CA file, against an oracle served over TLS. */
class ClientTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    private LeaderOracle oracle;
    private OracleServer server;
    private PricingOracleClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ofMillis(200));
        }
        if (oracle != null) {
            oracle.close();
        }
    }

    private void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    @Test
    void trustsTheGivenCertificatesAndRefusesAnUntrustedServer() throws Exception {
        Path keystore = dir.resolve("oracle.p12");
        Path pem = dir.resolve("oracle.pem");
        keytool("-genkeypair", "-alias", "oracle", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", new String(PASSWORD), "-keypass",
                new String(PASSWORD));
        keytool("-exportcert", "-rfc", "-alias", "oracle", "-keystore", keystore.toString(), "-storepass",
                new String(PASSWORD), "-file", pem.toString());

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        oracle = LeaderOracle.start(EmbeddedScenarios.get("five-node"), OracleConfig.builder().build(), meters);
        server = new OracleServer(Grpc.newServerBuilderForPort(0,
                TlsServerCredentials.newBuilder().keyManager(kmf.getKeyManagers()).build()), oracle, meters,
                Clock.systemUTC()).start();

        client = PricingOracleClient.builder().target("localhost:" + server.port()).trustedCertificates(pem)
                .bearerToken("t").deadline(Duration.ofSeconds(10)).build();
        await("a fresh table over TLS", () -> client.tableStatus().fresh());
        OracleQuote any = client.market().prices().get(0);
        assertEquals(AnswerSource.LOCAL_TABLE, client.quote(any.origin(), any.workloadClass()).source());

        // the system roots do not trust a self-signed certificate: no table, and calls are UNAVAILABLE
        try (PricingOracleClient untrusting = PricingOracleClient.builder().target("localhost:" + server.port())
                .useTransportSecurity().watch(false).build()) {
            assertEquals("UNAVAILABLE", assertThrows(OracleUnavailableException.class, untrusting::market).statusCode());
        }
    }
}
