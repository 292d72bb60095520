package io.tokenflow.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.cli.TokenflowCommand;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.security.AuthConfig;
import io.tokenflow.security.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * No cluster and no container engine here, so the deploy files are checked as text: every manifest under
 * deploy/k8s parses and is listed by a kustomization, and the invariants the oracle needs hold (ports and
 * probes agree, every container is limited and non-root on a read-only root, the leader is one writer
 * with its data dir on a volume, the replicas follow the leader Service, the args parse with the real CLI
 * and every file they name is mounted, the Dockerfile runs what the launcher builds as a non-root user).
 */
class ManifestTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String GRPC_PORT = "50051";
    private static final String METRICS_PORT = "9464";
    private static final String LEADER_SERVICE = "tokenflow-leader";

    private static Path repo;
    private static Path k8s;
    /** Every parsed document of every YAML file under deploy/k8s, by file. */
    private static final Map<Path, List<JsonNode>> FILES = new LinkedHashMap<>();
    /** The documents the base kustomization lists (its resources, in order). */
    private static final List<JsonNode> BASE = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        repo = Path.of(System.getProperty("tokenflow.repo.dir", "..")).toAbsolutePath().normalize();
        k8s = repo.resolve("deploy/k8s");
        assertTrue(Files.isDirectory(k8s), "no deploy/k8s under " + repo);
        try (Stream<Path> walk = Files.walk(k8s)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList()) {
                List<JsonNode> docs = new ArrayList<>();
                try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                    while (it.hasNext()) {
                        JsonNode d = it.next();
                        if (d != null && !d.isNull() && !d.isMissingNode()) {
                            docs.add(d);
                        }
                    }
                }
                assertFalse(docs.isEmpty(), rel(f) + " holds no document");
                FILES.put(f, docs);
            }
        }
        for (Path f : resourceFiles(k8s.resolve("base"))) {
            BASE.addAll(FILES.get(f));
        }
    }

    // ---- kustomize structure ----

    @Test
    void everyManifestHasApiVersionKindAndName() {
        FILES.forEach((f, docs) -> {
            for (JsonNode d : docs) {
                assertFalse(text(d, "apiVersion").isEmpty(), rel(f) + ": a document without apiVersion");
                assertFalse(text(d, "kind").isEmpty(), rel(f) + ": a document without kind");
                if (!text(d, "kind").equals("Kustomization")) {
                    assertFalse(text(d.path("metadata"), "name").isEmpty(), rel(f) + ": a document without metadata.name");
                }
            }
        });
    }

    @Test
    void kustomizationsListExistingFilesAndEveryManifestIsListed() throws IOException {
        Set<Path> listed = new HashSet<>();
        List<Path> kustomizations = FILES.keySet().stream()
                .filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList();
        assertTrue(kustomizations.contains(k8s.resolve("base/kustomization.yaml")), "no deploy/k8s/base/kustomization.yaml");
        assertTrue(kustomizations.stream().anyMatch(k -> k.startsWith(k8s.resolve("overlays"))), "no overlay under deploy/k8s/overlays");
        for (Path k : kustomizations) {
            JsonNode kz = FILES.get(k).get(0);
            assertEquals("Kustomization", text(kz, "kind"), rel(k));
            Path dir = k.getParent();
            for (JsonNode r : kz.path("resources")) {
                Path p = dir.resolve(r.asText()).normalize();
                assertTrue(Files.exists(p), rel(k) + " lists " + r.asText() + ", which does not exist");
                if (Files.isDirectory(p)) {
                    assertTrue(Files.exists(p.resolve("kustomization.yaml")), rel(k) + " lists " + r.asText()
                            + ", a directory without kustomization.yaml");
                } else {
                    listed.add(p);
                }
            }
            for (JsonNode patch : kz.path("patches")) {
                if (patch.has("path")) {
                    Path p = dir.resolve(patch.get("path").asText()).normalize();
                    assertTrue(Files.isRegularFile(p), rel(k) + " patches with " + p + ", which does not exist");
                    listed.add(p);
                    for (JsonNode d : FILES.get(p)) {
                        assertTrue(findIn(baseOf(k), text(d, "kind"), text(d.path("metadata"), "name")).isPresent(),
                                rel(p) + " patches " + text(d, "kind") + "/" + text(d.path("metadata"), "name")
                                        + ", which the base does not define");
                    }
                }
            }
            for (JsonNode gen : kz.path("configMapGenerator")) {
                for (JsonNode file : gen.path("files")) {
                    String name = file.asText();
                    Path p = dir.resolve(name.contains("=") ? name.substring(name.indexOf('=') + 1) : name);
                    assertTrue(Files.isRegularFile(p), rel(k) + " generates a ConfigMap from " + name + ", which does not exist");
                }
            }
        }
        for (Path f : FILES.keySet()) {
            if (!kustomizations.contains(f)) {
                assertTrue(listed.contains(f), rel(f) + " is not listed by any kustomization (resources or patches)");
            }
        }
    }

    @Test
    void overlayPinsTheImageTheBaseUsesAndSetsANamespace() {
        Path overlay = k8s.resolve("overlays/example/kustomization.yaml");
        JsonNode kz = FILES.get(overlay).get(0);
        assertFalse(text(kz, "namespace").isEmpty(), "the example overlay sets no namespace");
        Set<String> images = containers().stream().map(c -> text(c.container, "image")).collect(Collectors.toSet());
        assertEquals(1, images.size(), "every container runs the one oracle image: " + images);
        String image = images.iterator().next();
        assertTrue(stream(kz.path("images")).anyMatch(i -> text(i, "name").equals(image)
                        && !text(i, "newTag").isEmpty()), "the overlay pins no tag for image " + image);
    }

    // ---- containers ----

    @Test
    void everyContainerHasLimitsANonRootUserAndAReadOnlyRoot() {
        List<PodContainer> all = containers();
        assertEquals(2, all.size(), "one leader and one replica container");
        for (PodContainer pc : all) {
            String at = pc.workload + "/" + text(pc.container, "name");
            for (String kind : List.of("requests", "limits")) {
                for (String res : List.of("cpu", "memory")) {
                    assertFalse(text(pc.container.path("resources").path(kind), res).isEmpty(),
                            at + " has no resources." + kind + "." + res);
                }
            }
            assertEquals(memoryBytes(text(pc.container.path("resources").path("limits"), "memory")),
                    memoryBytes(text(pc.container.path("resources").path("requests"), "memory")),
                    at + ": memory request = limit (the JVM does not give memory back to the node)");
            JsonNode sc = pc.container.path("securityContext");
            JsonNode podSc = pc.pod.path("securityContext");
            assertTrue(sc.path("runAsNonRoot").asBoolean(podSc.path("runAsNonRoot").asBoolean(false)), at + ": runAsNonRoot");
            JsonNode uid = sc.has("runAsUser") ? sc.get("runAsUser") : podSc.path("runAsUser");
            assertTrue(uid.isIntegralNumber() && uid.asLong() > 0, at + ": runAsUser must be a numeric non-root UID, got " + uid);
            assertEquals(dockerfileUid(), uid.asLong(), at + ": runAsUser is the image's USER");
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(false), at + ": readOnlyRootFilesystem");
            assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), at + ": allowPrivilegeEscalation false");
            assertTrue(stream(sc.path("capabilities").path("drop")).anyMatch(c -> c.asText().equals("ALL")),
                    at + ": capabilities drop ALL");
            // OR-Tools extracts its natives into java.io.tmpdir, which the image sets to /tmp
            assertTrue(mountPaths(pc).contains("/tmp"), at + ": /tmp must be a writable volume on a read-only root");
            assertFalse(pc.container.has("command"), at + ": command would bypass the image's java entrypoint");
        }
    }

    @Test
    void probesAreNativeGrpcOnTheDeclaredGrpcPort() {
        for (PodContainer pc : containers()) {
            String at = pc.workload;
            Set<Integer> ports = containerPorts(pc.container).values().stream().collect(Collectors.toSet());
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                JsonNode grpc = pc.container.path(probe).path("grpc");
                assertTrue(grpc.isObject(), at + ": " + probe + " must be a native gRPC probe");
                assertTrue(ports.contains(grpc.path("port").asInt()), at + ": " + probe + " port "
                        + grpc.path("port") + " is not a containerPort " + ports);
                assertEquals(PricingOracleGrpc.SERVICE_NAME, text(grpc, "service"), at + ": " + probe + " service");
                assertEquals(Integer.parseInt(optionValue(pc, "--port").orElse(GRPC_PORT)), grpc.path("port").asInt(),
                        at + ": " + probe + " probes the --port the server listens on");
            }
            if (pc.container.has("startupProbe")) {
                assertTrue(ports.contains(pc.container.path("startupProbe").path("grpc").path("port").asInt()),
                        at + ": startupProbe port");
            }
        }
    }

    @Test
    void prometheusAnnotationsPointAtTheMetricsPort() {
        for (PodContainer pc : containers()) {
            JsonNode ann = pc.podMetadata.path("annotations");
            assertEquals("true", text(ann, "prometheus.io/scrape"), pc.workload + ": prometheus.io/scrape");
            assertEquals("/metrics", text(ann, "prometheus.io/path"), pc.workload + ": prometheus.io/path");
            String port = text(ann, "prometheus.io/port");
            assertEquals(optionValue(pc, "--metrics-port").orElse(METRICS_PORT), port, pc.workload + ": scrape port = --metrics-port");
            assertTrue(containerPorts(pc.container).containsValue(Integer.parseInt(port)),
                    pc.workload + ": the scrape port is a containerPort");
        }
    }

    @Test
    void servicesSelectPodsAndTargetTheirPorts() {
        List<JsonNode> services = BASE.stream().filter(d -> text(d, "kind").equals("Service")).toList();
        assertTrue(services.size() >= 2, "Services for the leader and the replicas");
        for (JsonNode svc : services) {
            String name = text(svc.path("metadata"), "name");
            JsonNode selector = svc.path("spec").path("selector");
            List<PodContainer> selected = containers().stream().filter(pc -> matches(selector, pc.podMetadata.path("labels"))).toList();
            assertFalse(selected.isEmpty(), "Service " + name + " selects no pod");
            for (JsonNode port : svc.path("spec").path("ports")) {
                JsonNode target = port.has("targetPort") ? port.get("targetPort") : port.get("port");
                for (PodContainer pc : selected) {
                    Map<String, Integer> ports = containerPorts(pc.container);
                    boolean ok = target.isNumber() ? ports.containsValue(target.asInt()) : ports.containsKey(target.asText());
                    assertTrue(ok, "Service " + name + " targets port " + target + ", which " + pc.workload + " does not declare " + ports);
                }
            }
        }
        Set<String> names = services.stream().map(s -> text(s.path("metadata"), "name")).collect(Collectors.toSet());
        assertTrue(names.contains(LEADER_SERVICE), "a Service " + LEADER_SERVICE + " for providers and replicas");
        assertTrue(names.contains("tokenflow-replica"), "a Service tokenflow-replica for routers");
    }

    @Test
    void workloadSelectorsMatchTheirPodLabels() {
        for (JsonNode d : BASE) {
            String kind = text(d, "kind");
            if (kind.equals("StatefulSet") || kind.equals("Deployment") || kind.equals("PodDisruptionBudget")) {
                JsonNode sel = d.path("spec").path("selector").path("matchLabels");
                assertFalse(sel.isEmpty(), kind + " " + name(d) + " has no selector.matchLabels");
                if (!kind.equals("PodDisruptionBudget")) {
                    assertTrue(matches(sel, d.path("spec").path("template").path("metadata").path("labels")),
                            kind + " " + name(d) + ": selector does not match its pod labels");
                } else {
                    assertTrue(containers().stream().anyMatch(pc -> matches(sel, pc.podMetadata.path("labels"))),
                            "PodDisruptionBudget " + name(d) + " selects no pod");
                }
            }
        }
    }

    // ---- leader and replicas ----

    @Test
    void theLeaderIsOneStatefulWriterWithItsDataDirOnAClaim() {
        List<JsonNode> sets = BASE.stream().filter(d -> text(d, "kind").equals("StatefulSet")).toList();
        assertEquals(1, sets.size(), "one StatefulSet: the leader");
        JsonNode leader = sets.get(0);
        assertEquals(1, leader.path("spec").path("replicas").asInt(-1), "the leader runs exactly 1 replica");
        PodContainer pc = containers().stream().filter(c -> c.workloadDoc == leader).findFirst().orElseThrow();
        String dataDir = optionValue(pc, "--data-dir").orElseThrow(() -> new AssertionError("the leader runs without --data-dir"));
        Set<String> claims = stream(leader.path("spec").path("volumeClaimTemplates"))
                .map(v -> text(v.path("metadata"), "name")).collect(Collectors.toSet());
        assertTrue(stream(pc.container.path("volumeMounts")).anyMatch(m -> text(m, "mountPath").equals(dataDir)
                && claims.contains(text(m, "name"))), "--data-dir " + dataDir + " is not a volumeClaimTemplate mount");
        assertTrue(BASE.stream().anyMatch(d -> text(d, "kind").equals("Service") && name(d).equals(text(leader.path("spec"), "serviceName"))
                && text(d.path("spec"), "clusterIP").equals("None")), "the StatefulSet's serviceName is a headless Service");
        // the HPA scales the replicas, never the one writer
        for (JsonNode hpa : BASE.stream().filter(d -> text(d, "kind").equals("HorizontalPodAutoscaler")).toList()) {
            assertEquals("autoscaling/v2", text(hpa, "apiVersion"));
            JsonNode ref = hpa.path("spec").path("scaleTargetRef");
            assertEquals("Deployment", text(ref, "kind"), "the HPA scales the replica Deployment");
            assertTrue(findIn(BASE, "Deployment", text(ref, "name")).isPresent(), "the HPA's target exists");
            assertTrue(hpa.path("spec").path("minReplicas").asInt() >= 1
                    && hpa.path("spec").path("maxReplicas").asInt() >= hpa.path("spec").path("minReplicas").asInt());
        }
    }

    @Test
    void theReplicasFollowTheLeaderService() {
        List<JsonNode> deployments = BASE.stream().filter(d -> text(d, "kind").equals("Deployment")).toList();
        assertEquals(1, deployments.size(), "one Deployment: the read replicas");
        PodContainer pc = containers().stream().filter(c -> c.workloadDoc == deployments.get(0)).findFirst().orElseThrow();
        List<String> args = args(pc);
        int i = args.indexOf("--follow");
        assertTrue(i >= 0 && i + 1 < args.size(), "the replica args carry --follow HOST:PORT: " + args);
        JsonNode leaderSvc = findIn(BASE, "Service", LEADER_SERVICE).orElseThrow();
        Set<String> leaderPorts = stream(leaderSvc.path("spec").path("ports"))
                .filter(p -> text(p, "targetPort").equals("grpc") || text(p, "targetPort").equals(GRPC_PORT))
                .map(p -> p.path("port").asText()).collect(Collectors.toSet());
        String[] hostPort = args.get(i + 1).split(":");
        assertEquals(2, hostPort.length, "--follow HOST:PORT, got " + args.get(i + 1));
        assertEquals(LEADER_SERVICE, hostPort[0].split("\\.")[0], "--follow names the leader Service");
        assertTrue(leaderPorts.contains(hostPort[1]), "--follow uses the gRPC port of Service " + LEADER_SERVICE + " " + leaderPorts);
        assertTrue(serveHasFollow(), "this build's serve has --follow");
        // the options serve --follow refuses at start (ServeCommand.LEADER_ONLY)
        for (String leaderOnly : List.of("--data-dir", "--snapshot-every", "--scenario", "--solver", "--unserved-penalty",
                "--clear-timeout", "--max-batch")) {
            assertFalse(args.contains(leaderOnly), "a read replica refuses " + leaderOnly);
        }
        PodContainer leader = containers().stream().filter(c -> c.workload.startsWith("StatefulSet/")).findFirst().orElseThrow();
        if (optionValue(leader, "--auth").isPresent()) {
            assertTrue(optionValue(pc, "--leader-token").isPresent(), "the leader runs --auth: the replicas need --leader-token");
        }
        assertEquals(optionValue(leader, "--tls-cert").isPresent(), optionValue(pc, "--leader-tls-ca").isPresent(),
                "the replicas speak TLS to the leader exactly when it serves TLS");
    }

    @Test
    void containerArgsParseWithTheRealCliAndNameMountedFiles() {
        for (PodContainer pc : containers()) {
            List<String> args = args(pc);
            assertEquals("serve", args.get(0), pc.workload + ": the args start with the serve subcommand");
            ParseResult parsed = parse(args);
            assertNotNull(parsed.subcommand(), pc.workload + ": serve parsed");
            ParseResult serve = parsed.subcommand();
            assertTrue(serve.unmatched().isEmpty(), pc.workload + ": unmatched args " + serve.unmatched());
            Set<String> mounts = mountPaths(pc);
            for (OptionSpec o : serve.matchedOptions()) {
                Object parsedValue = o.getValue();
                String value = String.valueOf(parsedValue);
                boolean isFile = o.type() == Path.class || (o.longestName().equals("--scenario") && value.contains("/"));
                if (isFile) {
                    assertTrue(mounts.stream().anyMatch(m -> value.equals(m) || value.startsWith(m + "/")),
                            pc.workload + ": " + o.longestName() + " " + value + " is not under a mounted path " + mounts);
                }
            }
            // the scenario file and the auth file come from the volumes the manifests mount
            optionValue(pc, "--scenario").filter(s -> s.contains("/")).ifPresent(s -> assertMountedFrom(pc, s, "configMap"));
            optionValue(pc, "--auth").ifPresent(s -> assertMountedFrom(pc, s, "secret"));
            // a non-loopback --bind needs --auth (the server refuses otherwise)
            assertTrue(optionValue(pc, "--auth").isPresent(), pc.workload + ": --bind 0.0.0.0 needs --auth");
            // every $(VAR) in the args is defined in the container's env
            for (String a : args) {
                Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(a);
                while (m.find()) {
                    String var = m.group(1);
                    assertTrue(stream(pc.container.path("env")).anyMatch(e -> text(e, "name").equals(var)),
                            pc.workload + ": $(" + var + ") in args is not in env");
                }
            }
        }
    }

    @Test
    void theScenarioAndTheExampleAuthFileAreValid() throws IOException {
        JsonNode kz = FILES.get(k8s.resolve("base/kustomization.yaml")).get(0);
        for (JsonNode gen : kz.path("configMapGenerator")) {
            for (JsonNode file : gen.path("files")) {
                if (file.asText().endsWith(".json")) {
                    assertNotNull(ScenarioJson.read(k8s.resolve("base").resolve(file.asText())), "scenario parses");
                }
            }
        }
        JsonNode secret = findIn(BASE, "Secret", "tokenflow-auth").orElseThrow();
        String json = text(secret.path("stringData"), "auth.json");
        AuthConfig auth = AuthConfig.parse(json, "tokenflow-auth/auth.json");
        JsonNode token = findIn(BASE, "Secret", "tokenflow-replica-token").orElseThrow();
        var replica = auth.byToken(text(token.path("stringData"), "token"));
        assertTrue(replica.isPresent() && replica.get().role() == Role.ROUTER,
                "the replicas' leader token is a router principal of the auth file");
        assertTrue(json.contains("CHANGE-ME") || text(token.path("stringData"), "token").contains("CHANGE-ME"),
                "the committed credentials are marked as examples");
    }

    // ---- Dockerfile ----

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
            for (int port : containerPorts(pc.container).values()) {
                assertTrue(exposed.contains(String.valueOf(port)), "the image EXPOSEs " + port + ", which " + pc.workload + " uses");
            }
        }
        String cmd = last(lines, "CMD ").orElseThrow(() -> new AssertionError("no CMD"));
        List<String> cmdArgs = stream(new ObjectMapper().readTree(cmd.substring(4))).map(JsonNode::asText).toList();
        parse(cmdArgs);
        assertTrue(Files.readString(repo.resolve(".dockerignore")).lines().anyMatch(l -> l.trim().equals("**/target")),
                ".dockerignore leaves build outputs out of the context");
    }

    // ---- helpers ----

    /** Parses args with the real {@code tokenflow} command line; fails the test if picocli refuses them. */
    private static ParseResult parse(List<String> args) {
        try {
            return new CommandLine(new TokenflowCommand()).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            return fail("the CLI refuses " + args + ": " + e.getMessage());
        }
    }

    private static boolean serveHasFollow() {
        return new CommandLine(new TokenflowCommand()).getSubcommands().get("serve").getCommandSpec().findOption("--follow") != null;
    }

    private record PodContainer(String workload, JsonNode workloadDoc, JsonNode podMetadata, JsonNode pod, JsonNode container) {}

    private static List<PodContainer> containers() {
        List<PodContainer> out = new ArrayList<>();
        for (JsonNode d : BASE) {
            String kind = text(d, "kind");
            if (kind.equals("StatefulSet") || kind.equals("Deployment")) {
                JsonNode tpl = d.path("spec").path("template");
                for (JsonNode c : tpl.path("spec").path("containers")) {
                    out.add(new PodContainer(kind + "/" + name(d), d, tpl.path("metadata"), tpl.path("spec"), c));
                }
                assertTrue(tpl.path("spec").path("initContainers").isEmpty(), kind + " " + name(d) + ": no init containers expected");
            }
        }
        return out;
    }

    private static List<String> args(PodContainer pc) {
        return stream(pc.container.path("args")).map(JsonNode::asText).toList();
    }

    private static Optional<String> optionValue(PodContainer pc, String option) {
        List<String> args = args(pc);
        int i = args.indexOf(option);
        return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
    }

    private static Map<String, Integer> containerPorts(JsonNode container) {
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode p : container.path("ports")) {
            out.put(p.has("name") ? p.get("name").asText() : "#" + p.path("containerPort").asInt(), p.path("containerPort").asInt());
        }
        return out;
    }

    private static Set<String> mountPaths(PodContainer pc) {
        Set<String> names = new HashSet<>();
        stream(pc.pod.path("volumes")).forEach(v -> names.add(text(v, "name")));
        stream(pc.workloadDoc.path("spec").path("volumeClaimTemplates")).forEach(v -> names.add(text(v.path("metadata"), "name")));
        Set<String> out = new TreeSet<>();
        for (JsonNode m : pc.container.path("volumeMounts")) {
            assertTrue(names.contains(text(m, "name")), pc.workload + ": volumeMount " + text(m, "name") + " has no volume");
            out.add(text(m, "mountPath"));
        }
        return out;
    }

    private static void assertMountedFrom(PodContainer pc, String file, String source) {
        JsonNode mount = stream(pc.container.path("volumeMounts"))
                .filter(m -> file.startsWith(text(m, "mountPath") + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(pc.workload + ": " + file + " is not mounted"));
        JsonNode volume = stream(pc.pod.path("volumes")).filter(v -> text(v, "name").equals(text(mount, "name")))
                .findFirst().orElseThrow();
        assertTrue(volume.has(source), pc.workload + ": " + file + " comes from a " + source + " volume");
        String key = file.substring(text(mount, "mountPath").length() + 1);
        String ref = source.equals("secret") ? text(volume.get(source), "secretName") : text(volume.get(source), "name");
        if (source.equals("secret")) {
            JsonNode secret = findIn(BASE, "Secret", ref).orElseThrow(() -> new AssertionError("no Secret " + ref));
            assertTrue(secret.path("stringData").has(key) || secret.path("data").has(key), "Secret " + ref + " has no key " + key);
        } else {
            JsonNode kz = FILES.get(k8s.resolve("base/kustomization.yaml")).get(0);
            assertTrue(stream(kz.path("configMapGenerator")).anyMatch(g -> text(g, "name").equals(ref)
                    && stream(g.path("files")).anyMatch(f -> f.asText().equals(key))), "ConfigMap " + ref + " has no key " + key);
        }
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : selector.properties()) {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static List<Path> resourceFiles(Path dir) {
        JsonNode kz = FILES.get(dir.resolve("kustomization.yaml")).get(0);
        List<Path> out = new ArrayList<>();
        for (JsonNode r : kz.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(resourceFiles(p));
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static List<JsonNode> baseOf(Path kustomization) {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : resourceFiles(kustomization.getParent())) {
            out.addAll(FILES.get(f));
        }
        return out;
    }

    private static Optional<JsonNode> findIn(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> text(d, "kind").equals(kind) && name(d).equals(name)).findFirst();
    }

    private static List<String> dockerfile() throws IOException {
        // join continuation lines, drop comments
        String text = Files.readString(repo.resolve("deploy/Dockerfile"), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String raw : text.split("\n")) {
            String l = raw.strip();
            if (l.startsWith("#") || (l.isEmpty() && cur.length() == 0)) {
                continue;
            }
            if (l.endsWith("\\")) {
                cur.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            cur.append(l);
            out.add(cur.toString().strip().replaceAll("\\s+", " "));
            cur.setLength(0);
        }
        return out;
    }

    private static long dockerfileUid() {
        try {
            String user = last(dockerfile(), "USER ").orElseThrow().substring(5).trim();
            return Long.parseLong(user.split(":")[0]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static Optional<String> last(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).reduce((a, b) -> b);
    }

    private static long memoryBytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi)?").matcher(quantity);
        assertTrue(m.matches(), "memory quantity " + quantity);
        long n = Long.parseLong(m.group(1));
        return m.group(2) == null ? n : n << switch (m.group(2)) { case "Ki" -> 10; case "Mi" -> 20; default -> 30; };
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? MissingNode.getInstance() : node.path(field);
        return v.isValueNode() ? v.asText() : "";
    }

    private static String name(JsonNode doc) {
        return text(doc.path("metadata"), "name");
    }

    private static String rel(Path f) {
        return repo.relativize(f).toString();
    }
}
