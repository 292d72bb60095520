package io.tokenflow.deploy;

import static io.tokenflow.deploy.DeployFiles.BASE;
import static io.tokenflow.deploy.DeployFiles.FILES;
import static io.tokenflow.deploy.DeployFiles.args;
import static io.tokenflow.deploy.DeployFiles.assertMountedFrom;
import static io.tokenflow.deploy.DeployFiles.baseOf;
import static io.tokenflow.deploy.DeployFiles.containerPorts;
import static io.tokenflow.deploy.DeployFiles.containers;
import static io.tokenflow.deploy.DeployFiles.dockerfileUid;
import static io.tokenflow.deploy.DeployFiles.findIn;
import static io.tokenflow.deploy.DeployFiles.k8s;
import static io.tokenflow.deploy.DeployFiles.matches;
import static io.tokenflow.deploy.DeployFiles.memoryBytes;
import static io.tokenflow.deploy.DeployFiles.mountPaths;
import static io.tokenflow.deploy.DeployFiles.name;
import static io.tokenflow.deploy.DeployFiles.optionValue;
import static io.tokenflow.deploy.DeployFiles.parse;
import static io.tokenflow.deploy.DeployFiles.rel;
import static io.tokenflow.deploy.DeployFiles.serveHasFollow;
import static io.tokenflow.deploy.DeployFiles.stream;
import static io.tokenflow.deploy.DeployFiles.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenflow.api.v1.PricingOracleGrpc;
import io.tokenflow.deploy.DeployFiles.PodContainer;
import io.tokenflow.market.io.ScenarioJson;
import io.tokenflow.security.AuthConfig;
import io.tokenflow.security.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Every manifest under deploy/k8s parses and is listed by a kustomization, and the invariants the oracle
 * needs hold: ports and probes agree, every container is limited and non-root on a read-only root, the
 * leader is one writer with its data dir on a volume, the replicas follow the leader Service, the args
 * parse with the real CLI and every file they name is mounted.
 */
class KubernetesManifestTest {
    private static final String GRPC_PORT = "50051";
    private static final String METRICS_PORT = "9464";
    private static final String LEADER_SERVICE = "tokenflow-leader";

    @BeforeAll
    static void load() throws IOException {
        DeployFiles.load();
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
        Set<String> images = containers().stream().map(c -> text(c.container(), "image")).collect(Collectors.toSet());
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
            String at = pc.workload() + "/" + text(pc.container(), "name");
            for (String kind : List.of("requests", "limits")) {
                for (String res : List.of("cpu", "memory")) {
                    assertFalse(text(pc.container().path("resources").path(kind), res).isEmpty(),
                            at + " has no resources." + kind + "." + res);
                }
            }
            assertEquals(memoryBytes(text(pc.container().path("resources").path("limits"), "memory")),
                    memoryBytes(text(pc.container().path("resources").path("requests"), "memory")),
                    at + ": memory request = limit (the JVM does not give memory back to the node)");
            JsonNode sc = pc.container().path("securityContext");
            JsonNode podSc = pc.pod().path("securityContext");
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
            assertFalse(pc.container().has("command"), at + ": command would bypass the image's java entrypoint");
        }
    }

    @Test
    void probesAreNativeGrpcOnTheDeclaredGrpcPort() {
        for (PodContainer pc : containers()) {
            String at = pc.workload();
            Set<Integer> ports = containerPorts(pc.container()).values().stream().collect(Collectors.toSet());
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                JsonNode grpc = pc.container().path(probe).path("grpc");
                assertTrue(grpc.isObject(), at + ": " + probe + " must be a native gRPC probe");
                assertTrue(ports.contains(grpc.path("port").asInt()), at + ": " + probe + " port "
                        + grpc.path("port") + " is not a containerPort " + ports);
                assertEquals(PricingOracleGrpc.SERVICE_NAME, text(grpc, "service"), at + ": " + probe + " service");
                assertEquals(Integer.parseInt(optionValue(pc, "--port").orElse(GRPC_PORT)), grpc.path("port").asInt(),
                        at + ": " + probe + " probes the --port the server listens on");
            }
            if (pc.container().has("startupProbe")) {
                assertTrue(ports.contains(pc.container().path("startupProbe").path("grpc").path("port").asInt()),
                        at + ": startupProbe port");
            }
        }
    }

    @Test
    void prometheusAnnotationsPointAtTheMetricsPort() {
        for (PodContainer pc : containers()) {
            JsonNode ann = pc.podMetadata().path("annotations");
            assertEquals("true", text(ann, "prometheus.io/scrape"), pc.workload() + ": prometheus.io/scrape");
            assertEquals("/metrics", text(ann, "prometheus.io/path"), pc.workload() + ": prometheus.io/path");
            String port = text(ann, "prometheus.io/port");
            assertEquals(optionValue(pc, "--metrics-port").orElse(METRICS_PORT), port, pc.workload() + ": scrape port = --metrics-port");
            assertTrue(containerPorts(pc.container()).containsValue(Integer.parseInt(port)),
                    pc.workload() + ": the scrape port is a containerPort");
        }
    }

    @Test
    void servicesSelectPodsAndTargetTheirPorts() {
        List<JsonNode> services = BASE.stream().filter(d -> text(d, "kind").equals("Service")).toList();
        assertTrue(services.size() >= 2, "Services for the leader and the replicas");
        for (JsonNode svc : services) {
            String name = text(svc.path("metadata"), "name");
            JsonNode selector = svc.path("spec").path("selector");
            List<PodContainer> selected = containers().stream().filter(pc -> matches(selector, pc.podMetadata().path("labels"))).toList();
            assertFalse(selected.isEmpty(), "Service " + name + " selects no pod");
            for (JsonNode port : svc.path("spec").path("ports")) {
                JsonNode target = port.has("targetPort") ? port.get("targetPort") : port.get("port");
                for (PodContainer pc : selected) {
                    Map<String, Integer> ports = containerPorts(pc.container());
                    boolean ok = target.isNumber() ? ports.containsValue(target.asInt()) : ports.containsKey(target.asText());
                    assertTrue(ok, "Service " + name + " targets port " + target + ", which " + pc.workload() + " does not declare " + ports);
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
                    assertTrue(containers().stream().anyMatch(pc -> matches(sel, pc.podMetadata().path("labels"))),
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
        PodContainer pc = containers().stream().filter(c -> c.workloadDoc() == leader).findFirst().orElseThrow();
        String dataDir = optionValue(pc, "--data-dir").orElseThrow(() -> new AssertionError("the leader runs without --data-dir"));
        Set<String> claims = stream(leader.path("spec").path("volumeClaimTemplates"))
                .map(v -> text(v.path("metadata"), "name")).collect(Collectors.toSet());
        assertTrue(stream(pc.container().path("volumeMounts")).anyMatch(m -> text(m, "mountPath").equals(dataDir)
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
        PodContainer pc = containers().stream().filter(c -> c.workloadDoc() == deployments.get(0)).findFirst().orElseThrow();
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
        PodContainer leader = containers().stream().filter(c -> c.workload().startsWith("StatefulSet/")).findFirst().orElseThrow();
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
            assertEquals("serve", args.get(0), pc.workload() + ": the args start with the serve subcommand");
            ParseResult parsed = parse(args);
            assertNotNull(parsed.subcommand(), pc.workload() + ": serve parsed");
            ParseResult serve = parsed.subcommand();
            assertTrue(serve.unmatched().isEmpty(), pc.workload() + ": unmatched args " + serve.unmatched());
            Set<String> mounts = mountPaths(pc);
            for (OptionSpec o : serve.matchedOptions()) {
                Object parsedValue = o.getValue();
                String value = String.valueOf(parsedValue);
                boolean isFile = o.type() == Path.class || (o.longestName().equals("--scenario") && value.contains("/"));
                if (isFile) {
                    assertTrue(mounts.stream().anyMatch(m -> value.equals(m) || value.startsWith(m + "/")),
                            pc.workload() + ": " + o.longestName() + " " + value + " is not under a mounted path " + mounts);
                }
            }
            // the scenario file and the auth file come from the volumes the manifests mount
            optionValue(pc, "--scenario").filter(s -> s.contains("/")).ifPresent(s -> assertMountedFrom(pc, s, "configMap"));
            optionValue(pc, "--auth").ifPresent(s -> assertMountedFrom(pc, s, "secret"));
            // a non-loopback --bind needs --auth (the server refuses otherwise)
            assertTrue(optionValue(pc, "--auth").isPresent(), pc.workload() + ": --bind 0.0.0.0 needs --auth");
            // every $(VAR) in the args is defined in the container's env
            for (String a : args) {
                Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(a);
                while (m.find()) {
                    String var = m.group(1);
                    assertTrue(stream(pc.container().path("env")).anyMatch(e -> text(e, "name").equals(var)),
                            pc.workload() + ": $(" + var + ") in args is not in env");
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
}
