package io.tokenflow.security;

import java.util.Optional;
import java.util.Set;

/**
 * One caller of the oracle: its name (in logs and messages), its role, the nodes a provider may update,
 * and how it proves itself: the SHA-256 of its bearer token, or its TLS client certificate's subject.
 */
public record Principal(String name, Role role, Set<String> nodes, Optional<byte[]> tokenSha256,
        Optional<javax.security.auth.x500.X500Principal> subject) {

    public Principal {
        nodes = Set.copyOf(nodes);
    }

    /** May this principal change the capacity of {@code node}? Operators may change any. */
    public boolean mayUpdateNode(String node) {
        return role == Role.OPERATOR || (role == Role.PROVIDER && nodes.contains(node));
    }

    @Override
    public String toString() {
        return "principal '" + name + "' (" + role.id() + ")";
    }
}
