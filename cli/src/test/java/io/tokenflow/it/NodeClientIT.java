package io.tokenflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process level: starts the real {@code ./tokenflow serve} on free ports and runs a Node.js client
 * written against the .proto files alone (cli/src/test/node/oracle-client.mjs) against it: quotes
 * every origin x class, pushes a capacity drop and sees the price move, reads health and reflection, and
 * checks a NOT_FOUND. Then scrapes the Prometheus endpoint (its tokenflow_market_version gauge has seen the
 * update) and stops the server with SIGTERM.
 *
 * <p>Needs node and npm on the PATH; installs the client's modules ({@code npm ci}) when they are missing.
 * Runs in Maven's integration-test phase (failsafe), after package has built the server jar.
 */
class NodeClientIT {
    private static final Pattern LISTENING = Pattern.compile("listening on ([0-9.]+):(\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics on (http://\\S+)");
    private static final Pattern MARKET_VERSION_GAUGE =
            Pattern.compile("(?m)^tokenflow_market_version(?:\\{[^}]*\\})? (\\S+)$");
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration CLIENT_RUN = Duration.ofSeconds(60);
    private static final Duration NPM_CI = Duration.ofSeconds(180);
    private static final Duration SHUTDOWN = Duration.ofSeconds(15);
    /** The gRPC health and reflection protos, as grpc-java's grpc-services jar carries them. */
    private static final List<String> GRPC_PROTOS =
            List.of("grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto");

    private static Path repo;
    private static Path nodeDir;

    private Process server;
    private Thread serverReader;
    /** Everything the server printed so far; guarded by itself, notified at each line. */
    private final StringBuilder serverOutput = new StringBuilder();

    @BeforeAll
    static void installClient() throws Exception {
        String repoDir = System.getProperty("tokenflow.repo.dir");
        assertTrue(repoDir != null, "system property tokenflow.repo.dir is not set (run through Maven)");
        repo = Path.of(repoDir).toAbsolutePath().normalize();
        nodeDir = repo.resolve("cli/src/test/node");
        assertTrue(Files.isRegularFile(repo.resolve("tokenflow")), "no launcher ./tokenflow in " + repo);

        requireTool("node", "--version");
        requireTool("npm", "--version");
        if (!Files.isDirectory(nodeDir.resolve("node_modules/@grpc/grpc-js"))
                || !Files.isDirectory(nodeDir.resolve("node_modules/@grpc/proto-loader"))) {
            Result npm = run(List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"), nodeDir, NPM_CI);
            assertEquals(0, npm.exitCode, () -> "npm ci in cli/src/test/node failed (the npm registry must be"
                    + " reachable, or run it by hand):\n" + npm.output());
        }
    }

    private static void requireTool(String tool, String versionFlag) throws Exception {
        try {
            Result r = run(List.of(tool, versionFlag), repo, Duration.ofSeconds(30));
            assertEquals(0, r.exitCode, () -> tool + " " + versionFlag + " failed:\n" + r.output());
        } catch (IOException e) {
            fail(tool + " is not on the PATH: NodeClientIT needs Node.js (18 or newer) and npm"
                    + " (.ci/run installs the client's modules; Debian: apt-get install nodejs npm)", e);
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null && server.isAlive()) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    @Test
    void nodeClientQuotesUpdatesAndReadsHealthAndReflection(@TempDir Path tmp) throws Exception {
        try {
            Path grpcProtos = copyGrpcProtos(tmp.resolve("grpc-protos"));
            startServer();
            Matcher listening = awaitLine(LISTENING, STARTUP);
            String target = listening.group(1) + ":" + listening.group(2);
            String metricsUrl = awaitLine(METRICS, Duration.ofSeconds(10)).group(1);

            Result client = run(List.of("node", "oracle-client.mjs", target, "--grpc-proto-dir", grpcProtos.toString()),
                    nodeDir, CLIENT_RUN);
            System.out.println("NodeClientIT: the node client against " + target + " said:\n" + client.output());
            assertEquals(0, client.exitCode, () -> "the node client failed (exit " + client.exitCode + "):\n"
                    + client.output());

            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode(), () -> "GET " + metricsUrl + ": " + metrics.body());
            assertTrue(metrics.body().contains("# TYPE "),
                    () -> "GET " + metricsUrl + " is not Prometheus text:\n" + metrics.body());
            // the version gauge has seen the client's capacity update
            long versionAfter = new ObjectMapper().readTree(client.stdout())
                    .path("capacity_drop").path("market_version_after").asLong(-1);
            Matcher gauge = MARKET_VERSION_GAUGE.matcher(metrics.body());
            assertTrue(gauge.find(), () -> "GET " + metricsUrl + " has no tokenflow_market_version:\n" + metrics.body());
            assertEquals(versionAfter, (long) Double.parseDouble(gauge.group(1)),
                    () -> "tokenflow_market_version " + gauge.group(1) + ", the client's update made version " + versionAfter);

            server.destroy(); // SIGTERM
            assertTrue(server.waitFor(SHUTDOWN.toSeconds(), TimeUnit.SECONDS),
                    "the server did not exit within " + SHUTDOWN.toSeconds() + " s of SIGTERM");
            int exit = server.exitValue();
            assertTrue(exit == 0 || exit == 143, "the server exited with " + exit + " on SIGTERM");
        } catch (Throwable t) {
            if (server != null && !server.isAlive()) {
                serverReader.join(2000); // the last lines
            }
            System.out.println("NodeClientIT: the server's output:\n" + output());
            throw t;
        }
    }

    /** Copies the health and reflection protos out of the grpc-services jar on the test classpath. */
    private static Path copyGrpcProtos(Path dir) throws IOException {
        for (String name : GRPC_PROTOS) {
            try (InputStream in = NodeClientIT.class.getClassLoader().getResourceAsStream(name)) {
                assertTrue(in != null, name + " is not on the test classpath (it comes with io.grpc:grpc-services)");
                Path file = dir.resolve(name);
                Files.createDirectories(file.getParent());
                Files.copy(in, file);
            }
        }
        return dir;
    }

    private void startServer() throws IOException {
        server = new ProcessBuilder(repo.resolve("tokenflow").toString(), "serve", "--port", "0", "--metrics-port", "0")
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .start();
        server.getOutputStream().close();
        InputStream stdout = server.getInputStream();
        serverReader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    appendOutput(line);
                }
            } catch (IOException e) {
                appendOutput("(reading the server's output failed: " + e + ")");
            }
        }, "tokenflow-serve-output");
        serverReader.setDaemon(true);
        serverReader.start();
    }

    private void appendOutput(String line) {
        synchronized (serverOutput) {
            serverOutput.append(line).append('\n');
            serverOutput.notifyAll();
        }
    }

    private String output() {
        synchronized (serverOutput) {
            return serverOutput.toString();
        }
    }

    /** The first match of the pattern in the server's output, waiting at most the timeout for it. */
    private Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !server.isAlive();
            if (exited) {
                serverReader.join(2000); // the reader ends at the end of the output
            }
            synchronized (serverOutput) {
                Matcher m = pattern.matcher(serverOutput.toString());
                if (m.find()) {
                    return m;
                }
                if (exited) {
                    fail("the server exited with " + server.exitValue() + " before printing /" + pattern + "/");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("the server printed no /" + pattern + "/ within " + timeout.toSeconds() + " s");
                }
                serverOutput.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 250)));
            }
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
        String output() {
            return stdout + (stderr.isEmpty() ? "" : "--- stderr ---\n" + stderr);
        }
    }

    /** Runs a command to its end (killed after the timeout), its output in files so that no pipe fills. */
    private static Result run(List<String> command, Path dir, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tokenflow-it-", ".out");
        Path err = Files.createTempFile("tokenflow-it-", ".err");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command))
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s:\n"
                        + Files.readString(out) + "--- stderr ---\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
