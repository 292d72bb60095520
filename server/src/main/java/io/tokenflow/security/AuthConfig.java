package io.tokenflow.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * The principals of {@code --auth FILE}:
 *
 * <pre>{"principals": [
 *   {"name": "router-a", "role": "router", "tokenSha256": "9f86d0..."},
 *   {"name": "dallas-dc", "role": "provider", "nodes": ["dallas"], "subject": "CN=dallas-dc,O=Acme"},
 *   {"name": "ops", "role": "operator", "tokenSha256": "..."}]}</pre>
 *
 * Parsing is strict: an unknown field, a bad hex digest, an unknown role, a provider without nodes,
 * nodes on a non-provider, a principal without credentials, or a duplicated name, token or subject is an
 * {@link IllegalArgumentException} naming the JSON path. Token lookups compare digests in constant time.
 */
public final class AuthConfig {
    private static final Set<String> FIELDS = Set.of("name", "role", "tokenSha256", "subject", "nodes");

    private final List<Principal> principals;

    public AuthConfig(List<Principal> principals) {
        this.principals = List.copyOf(principals);
    }

    public List<Principal> principals() {
        return principals;
    }

    public static AuthConfig load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static AuthConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": $ must be an object {\"principals\": [...]}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!f.equals("principals")) {
                throw new IllegalArgumentException(source + ": $." + f + " is not a known field (only principals)");
            }
        }
        JsonNode list = root.get("principals");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(source + ": $.principals must be a non-empty array");
        }
        List<Principal> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        Set<X500Principal> subjects = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = source + ": $.principals[" + i + "]";
            JsonNode p = list.get(i);
            if (!p.isObject()) {
                throw new IllegalArgumentException(at + " must be an object");
            }
            for (Iterator<String> it = p.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!FIELDS.contains(f)) {
                    throw new IllegalArgumentException(at + "." + f + " is not a known field (one of " + FIELDS + ")");
                }
            }
            String name = text(p, "name", at);
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(at + ".name is required");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException(at + ".name '" + name + "' is already used by another principal");
            }
            String roleText = text(p, "role", at);
            Role role = roleText == null ? null : Role.parse(roleText);
            if (role == null) {
                throw new IllegalArgumentException(at + ".role must be router, provider or operator, got "
                        + (roleText == null ? "nothing" : "'" + roleText + "'"));
            }
            Optional<byte[]> digest = Optional.empty();
            String hex = text(p, "tokenSha256", at);
            if (hex != null) {
                if (!hex.matches("[0-9a-fA-F]{64}")) {
                    throw new IllegalArgumentException(at + ".tokenSha256 must be 64 hex digits (SHA-256), got '"
                            + hex + "'");
                }
                if (!tokens.add(hex.toLowerCase(java.util.Locale.ROOT))) {
                    throw new IllegalArgumentException(at + ".tokenSha256 is already used by another principal");
                }
                digest = Optional.of(HexFormat.of().parseHex(hex));
            }
            Optional<X500Principal> subject = Optional.empty();
            String dn = text(p, "subject", at);
            if (dn != null) {
                try {
                    subject = Optional.of(new X500Principal(dn));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(at + ".subject is not an X.500 name: '" + dn + "'");
                }
                if (!subjects.add(subject.get())) {
                    throw new IllegalArgumentException(at + ".subject '" + dn + "' is already used by another principal");
                }
            }
            if (digest.isEmpty() && subject.isEmpty()) {
                throw new IllegalArgumentException(at + " needs tokenSha256 or subject (principal '" + name + "')");
            }
            Set<String> nodes = new LinkedHashSet<>();
            JsonNode n = p.get("nodes");
            if (n != null) {
                if (role != Role.PROVIDER) {
                    throw new IllegalArgumentException(at + ".nodes is only for providers ('" + name + "' is "
                            + role.id() + ")");
                }
                if (!n.isArray()) {
                    throw new IllegalArgumentException(at + ".nodes must be an array of node ids");
                }
                for (int j = 0; j < n.size(); j++) {
                    if (!n.get(j).isTextual() || n.get(j).asText().isEmpty()) {
                        throw new IllegalArgumentException(at + ".nodes[" + j + "] must be a non-empty string, got "
                                + n.get(j));
                    }
                    nodes.add(n.get(j).asText());
                }
            }
            if (role == Role.PROVIDER && nodes.isEmpty()) {
                throw new IllegalArgumentException(at + ".nodes must list the provider's nodes ('" + name + "')");
            }
            out.add(new Principal(name, role, nodes, digest, subject));
        }
        return new AuthConfig(out);
    }

    private static String text(JsonNode p, String field, String at) {
        JsonNode v = p.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(at + "." + field + " must be a string, got " + v);
        }
        return v.asText();
    }

    /** The principal whose token digest matches; every digest is compared, in constant time. */
    public Optional<Principal> byToken(String token) {
        byte[] digest = sha256(token);
        Principal found = null;
        for (Principal p : principals) {
            if (p.tokenSha256().isPresent() && MessageDigest.isEqual(p.tokenSha256().get(), digest)) {
                found = p;
            }
        }
        return Optional.ofNullable(found);
    }

    public Optional<Principal> bySubject(X500Principal subject) {
        return principals.stream().filter(p -> p.subject().isPresent() && p.subject().get().equals(subject))
                .findFirst();
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }
}
