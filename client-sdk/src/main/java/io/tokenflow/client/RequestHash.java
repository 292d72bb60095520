package io.tokenflow.client;

import java.nio.charset.StandardCharsets;

/**
 * The oracle's request hash, copied from the server's {@code io.tokenflow.service.RequestHash} so that a
 * local route picks the same site as the oracle's Route: FNV-1a over the UTF-8 bytes, then the SplitMix64
 * finaliser, top 53 bits scaled to [0, 1). Change both together or neither.
 */
final class RequestHash {
    private RequestHash() {}

    static double unitInterval(String requestId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
