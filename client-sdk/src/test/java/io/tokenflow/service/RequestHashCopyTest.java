package io.tokenflow.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SDK's copy of the request hash equals the server's on random ids, including non-ASCII, surrogate
 * pairs and lone surrogates (which UTF-8 encoding replaces, on both sides alike). Lives in the server's
 * package to reach its package-private hash.
 */
class RequestHashCopyTest {
    @Test
    void sdkHashEqualsTheServers() throws Exception {
        Method sdk = Class.forName("io.tokenflow.client.RequestHash").getDeclaredMethod("unitInterval", String.class);
        sdk.setAccessible(true);
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder id = new StringBuilder();
            int length = random.nextInt(0, 40);
            for (int i = 0; i < length; i++) {
                id.append((char) switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x20, 0x7f);
                    case 1 -> random.nextInt(0x80, 0x800);
                    case 2 -> random.nextInt(0xd800, 0xe000); // surrogates, paired or not
                    default -> random.nextInt(0x800, 0x10000);
                });
            }
            String s = id.toString();
            assertEquals(RequestHash.unitInterval(s), (double) sdk.invoke(null, s), s);
        }
    }
}
