package io.tokenflow.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The --auth file: one good file, and each kind of mistake named by its JSON path. */
class AuthConfigTest {
    static final String ROUTER = AuthConfig.sha256Hex("router-token");
    static final String OPS = AuthConfig.sha256Hex("ops-token");

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> AuthConfig.parse(json, "auth.json")).getMessage();
    }

    @Test
    void parsesRolesTokensSubjectsAndNodes() {
        AuthConfig c = AuthConfig.parse("""
                {"principals": [
                  {"name": "r", "role": "router", "tokenSha256": "%s"},
                  {"name": "p", "role": "provider", "nodes": ["dallas", "chicago"], "subject": "CN=p, O=Acme"},
                  {"name": "o", "role": "operator", "tokenSha256": "%s"}]}
                """.formatted(ROUTER, OPS.toUpperCase()), "auth.json");
        assertEquals(3, c.principals().size());
        assertEquals("r", c.byToken("router-token").orElseThrow().name());
        assertEquals("o", c.byToken("ops-token").orElseThrow().name());
        assertTrue(c.byToken("router-token ").isEmpty());
        Principal p = c.bySubject(new javax.security.auth.x500.X500Principal("CN=p,O=Acme")).orElseThrow();
        assertEquals(Set.of("dallas", "chicago"), p.nodes());
        assertTrue(p.mayUpdateNode("dallas"));
        assertTrue(!p.mayUpdateNode("seattle"));
        assertEquals(Role.PROVIDER, p.role());
    }

    @Test
    void mistakesAreNamedByTheirJsonPath() {
        assertEquals("auth.json: $.users is not a known field (only principals)", error("{\"principals\": [], \"users\": 1}"));
        assertEquals("auth.json: $.principals must be a non-empty array", error("{\"principals\": []}"));
        assertTrue(error("{").startsWith("auth.json: not JSON"));
        assertTrue(error("{\"principals\": [{\"name\": \"a\", \"role\": \"router\", \"tokenSha256\": \"" + ROUTER
                + "\", \"password\": \"x\"}]}").startsWith("auth.json: $.principals[0].password is not a known field"));
        assertEquals("auth.json: $.principals[0].tokenSha256 must be 64 hex digits (SHA-256), got 'xyz'",
                error("{\"principals\": [{\"name\": \"a\", \"role\": \"router\", \"tokenSha256\": \"xyz\"}]}"));
        assertEquals("auth.json: $.principals[0].role must be router, provider or operator, got 'admin'",
                error("{\"principals\": [{\"name\": \"a\", \"role\": \"admin\", \"tokenSha256\": \"" + ROUTER + "\"}]}"));
        assertEquals("auth.json: $.principals[0].nodes must list the provider's nodes ('a')",
                error("{\"principals\": [{\"name\": \"a\", \"role\": \"provider\", \"tokenSha256\": \"" + ROUTER + "\"}]}"));
        assertEquals("auth.json: $.principals[0].nodes is only for providers ('a' is router)",
                error("{\"principals\": [{\"name\": \"a\", \"role\": \"router\", \"nodes\": [\"x\"], \"tokenSha256\": \""
                        + ROUTER + "\"}]}"));
        assertEquals("auth.json: $.principals[0] needs tokenSha256 or subject (principal 'a')",
                error("{\"principals\": [{\"name\": \"a\", \"role\": \"router\"}]}"));
        assertEquals("auth.json: $.principals[1].name 'a' is already used by another principal",
                error("{\"principals\": [{\"name\": \"a\", \"role\": \"router\", \"tokenSha256\": \"" + ROUTER
                        + "\"}, {\"name\": \"a\", \"role\": \"router\", \"tokenSha256\": \"" + OPS + "\"}]}"));
        assertEquals("auth.json: $.principals[1].tokenSha256 is already used by another principal",
                error("{\"principals\": [{\"name\": \"a\", \"role\": \"router\", \"tokenSha256\": \"" + ROUTER
                        + "\"}, {\"name\": \"b\", \"role\": \"router\", \"tokenSha256\": \"" + ROUTER + "\"}]}"));
        assertEquals("auth.json: $.principals[0].role must be a string, got 3",
                error("{\"principals\": [{\"name\": \"a\", \"role\": 3}]}"));
        assertEquals("auth.json: $.principals[0].subject is not an X.500 name: 'not a dn'",
                error("{\"principals\": [{\"name\": \"a\", \"role\": \"router\", \"subject\": \"not a dn\"}]}"));
    }
}
