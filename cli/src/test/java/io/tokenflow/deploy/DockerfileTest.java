package io.tokenflow.deploy;

import static io.tokenflow.deploy.DeployFiles.containerPorts;
import static io.tokenflow.deploy.DeployFiles.containers;
import static io.tokenflow.deploy.DeployFiles.dockerfile;
import static io.tokenflow.deploy.DeployFiles.dockerfileUid;
import static io.tokenflow.deploy.DeployFiles.last;
import static io.tokenflow.deploy.DeployFiles.parse;
import static io.tokenflow.deploy.DeployFiles.repo;
import static io.tokenflow.deploy.DeployFiles.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenflow.deploy.DeployFiles.PodContainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile runs what the launcher builds as a non-root user, and its image serves what the
 * manifests under deploy/k8s ask of it (the ports they use, the args they pass).
 */
class DockerfileTest {
    @BeforeAll
    static void load() throws IOException {
        DeployFiles.load();
    }

    @Test
    void theDockerfileRunsTheLauncherJarAsNonRootWithAnExecFormEntrypoint() throws IOException {
        List<String> lines = dockerfile();
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertTrue(froms.size() >= 2, "multi-stage: a build stage and a runtime stage");
        assertFalse(froms.get(froms.size() - 1).contains("alpine"), "OR-Tools needs glibc: not alpine");
        String user = last(lines, "USER ").orElseThrow(() -> new AssertionError("no USER"));
        assertTrue(dockerfileUid() > 0, "USER must be a numeric non-root UID: " + user);
        String entry = last(lines, "ENTRYPOINT ").orElseThrow(() -> new AssertionError("no ENTRYPOINT"));
        JsonNode exec = new ObjectMapper().readTree(entry.substring("ENTRYPOINT ".length()));
        assertTrue(exec.isArray(), "ENTRYPOINT must be exec form (a JSON array) so SIGTERM reaches the JVM");
        List<String> argv = stream(exec).map(JsonNode::asText).toList();
        assertEquals("java", argv.get(0));
        assertTrue(argv.contains("-Djava.io.tmpdir=/tmp"), "OR-Tools natives go to /tmp");
        int jar = argv.indexOf("-jar");
        assertTrue(jar > 0, "java -jar");
        String jarPath = argv.get(jar + 1);
        // the jar the launcher builds, with its Class-Path lib/ beside it
        String launcher = Files.readString(repo.resolve("tokenflow"), StandardCharsets.UTF_8);
        assertTrue(launcher.contains("target/tokenflow-$module.jar") && launcher.contains("ensure_built cli"),
                "the launcher builds cli/target/tokenflow-cli.jar");
        String jarDir = jarPath.substring(0, jarPath.lastIndexOf('/'));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("COPY ") && l.contains("cli/target/tokenflow-cli.jar")
                && l.endsWith(" " + jarPath)), "the Dockerfile copies cli/target/tokenflow-cli.jar to " + jarPath);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("COPY ") && l.contains("cli/target/lib")
                && l.endsWith(" " + jarDir + "/lib")), "the Dockerfile copies cli/target/lib beside the jar");
        assertTrue(lines.stream().anyMatch(l -> l.contains("mvn") && l.contains("-pl cli -am") && l.contains("package")),
                "the build stage runs the launcher's Maven build");
        Set<String> exposed = lines.stream().filter(l -> l.startsWith("EXPOSE "))
                .flatMap(l -> Stream.of(l.substring(7).trim().split("\\s+"))).map(p -> p.replace("/tcp", ""))
                .collect(Collectors.toSet());
        for (PodContainer pc : containers()) {
            for (int port : containerPorts(pc.container()).values()) {
                assertTrue(exposed.contains(String.valueOf(port)), "the image EXPOSEs " + port + ", which " + pc.workload() + " uses");
            }
        }
        String cmd = last(lines, "CMD ").orElseThrow(() -> new AssertionError("no CMD"));
        List<String> cmdArgs = stream(new ObjectMapper().readTree(cmd.substring(4))).map(JsonNode::asText).toList();
        parse(cmdArgs);
        assertTrue(Files.readString(repo.resolve(".dockerignore")).lines().anyMatch(l -> l.trim().equals("**/target")),
                ".dockerignore leaves build outputs out of the context");
    }
}
