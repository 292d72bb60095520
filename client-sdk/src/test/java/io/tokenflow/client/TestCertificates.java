package io.tokenflow.client;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * (A copy of the server tests' helper: test classes do not cross modules.) A throwaway PKI made with the JDK's keytool: a CA, a server certificate for localhost/127.0.0.1 and
 * client certificates, all signed by the CA, written as PEM (keys as PKCS#8), as --tls-* expect them.
 */
final class TestCertificates {
    private static final String PASSWORD = "changeit";
    public final Path dir;
    public final Path caPem;

    public TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        Path ca = dir.resolve("ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=TokenFlow Test CA", "-ext", "bc:c", "-storetype", "PKCS12", "-keystore", ca.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        this.caPem = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                "-file", caPem.toString());
    }

    /** Issues a certificate for {@code name}; returns {cert.pem, key.pem}. */
    public Path[] issue(String name, String dname, String... ext) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", dname, "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD);
        Path csr = dir.resolve(name + ".csr");
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD, "-file",
                csr.toString());
        Path cert = dir.resolve(name + ".pem");
        List<String> gen = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore",
                dir.resolve("ca.p12").toString(), "-storepass", PASSWORD, "-infile", csr.toString(), "-outfile",
                cert.toString(), "-validity", "2"));
        for (String e : ext) {
            gen.add("-ext");
            gen.add(e);
        }
        keytool(gen.toArray(String[]::new));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Key key = ks.getKey(name, PASSWORD.toCharArray());
        Path keyPem = dir.resolve(name + ".key");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return new Path[] {cert, keyPem};
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }
}
