package io.tokenflow.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tokenflow.cli.TokenflowCommand;
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
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * No cluster and no container engine here, so the deploy files are read as text, once per JVM, for
 * {@link KubernetesManifestTest} and {@link DockerfileTest}: the checks of each side lean on the other (the
 * pods run as the image's USER, the image EXPOSEs the ports the pods use).
 */
final class DeployFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Path repo;
    static Path k8s;
    /** Every parsed document of every YAML file under deploy/k8s, by file. */
    static final Map<Path, List<JsonNode>> FILES = new LinkedHashMap<>();
    /** The documents the base kustomization lists (its resources, in order). */
    static final List<JsonNode> BASE = new ArrayList<>();
    private static boolean loaded;

    private DeployFiles() {}

    /** Called from each test class's {@code @BeforeAll}; a load that failed an assertion is redone, not half kept. */
    static synchronized void load() throws IOException {
        if (loaded) {
            return;
        }
        FILES.clear();
        BASE.clear();
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
        loaded = true;
    }

    /** Parses args with the real {@code tokenflow} command line; fails the test if picocli refuses them. */
    static ParseResult parse(List<String> args) {
        try {
            return new CommandLine(new TokenflowCommand()).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            return fail("the CLI refuses " + args + ": " + e.getMessage());
        }
    }

    static boolean serveHasFollow() {
        return new CommandLine(new TokenflowCommand()).getSubcommands().get("serve").getCommandSpec().findOption("--follow") != null;
    }

    record PodContainer(String workload, JsonNode workloadDoc, JsonNode podMetadata, JsonNode pod, JsonNode container) {}

    static List<PodContainer> containers() {
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

    static List<String> args(PodContainer pc) {
        return stream(pc.container().path("args")).map(JsonNode::asText).toList();
    }

    static Optional<String> optionValue(PodContainer pc, String option) {
        List<String> args = args(pc);
        int i = args.indexOf(option);
        return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
    }

    static Map<String, Integer> containerPorts(JsonNode container) {
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode p : container.path("ports")) {
            out.put(p.has("name") ? p.get("name").asText() : "#" + p.path("containerPort").asInt(), p.path("containerPort").asInt());
        }
        return out;
    }

    static Set<String> mountPaths(PodContainer pc) {
        Set<String> names = new HashSet<>();
        stream(pc.pod().path("volumes")).forEach(v -> names.add(text(v, "name")));
        stream(pc.workloadDoc().path("spec").path("volumeClaimTemplates")).forEach(v -> names.add(text(v.path("metadata"), "name")));
        Set<String> out = new TreeSet<>();
        for (JsonNode m : pc.container().path("volumeMounts")) {
            assertTrue(names.contains(text(m, "name")), pc.workload() + ": volumeMount " + text(m, "name") + " has no volume");
            out.add(text(m, "mountPath"));
        }
        return out;
    }

    static void assertMountedFrom(PodContainer pc, String file, String source) {
        JsonNode mount = stream(pc.container().path("volumeMounts"))
                .filter(m -> file.startsWith(text(m, "mountPath") + "/")).findFirst()
                .orElseThrow(() -> new AssertionError(pc.workload() + ": " + file + " is not mounted"));
        JsonNode volume = stream(pc.pod().path("volumes")).filter(v -> text(v, "name").equals(text(mount, "name")))
                .findFirst().orElseThrow();
        assertTrue(volume.has(source), pc.workload() + ": " + file + " comes from a " + source + " volume");
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

    static boolean matches(JsonNode selector, JsonNode labels) {
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

    static List<Path> resourceFiles(Path dir) {
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

    static List<JsonNode> baseOf(Path kustomization) {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : resourceFiles(kustomization.getParent())) {
            out.addAll(FILES.get(f));
        }
        return out;
    }

    static Optional<JsonNode> findIn(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> text(d, "kind").equals(kind) && name(d).equals(name)).findFirst();
    }

    static List<String> dockerfile() throws IOException {
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

    static long dockerfileUid() {
        try {
            String user = last(dockerfile(), "USER ").orElseThrow().substring(5).trim();
            return Long.parseLong(user.split(":")[0]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static Optional<String> last(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).reduce((a, b) -> b);
    }

    static long memoryBytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi)?").matcher(quantity);
        assertTrue(m.matches(), "memory quantity " + quantity);
        long n = Long.parseLong(m.group(1));
        return m.group(2) == null ? n : n << switch (m.group(2)) { case "Ki" -> 10; case "Mi" -> 20; default -> 30; };
    }

    static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? MissingNode.getInstance() : node.path(field);
        return v.isValueNode() ? v.asText() : "";
    }

    static String name(JsonNode doc) {
        return text(doc.path("metadata"), "name");
    }

    static String rel(Path f) {
        return repo.relativize(f).toString();
    }
}
