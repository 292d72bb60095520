package io.tokenflow.service;

import java.nio.charset.StandardCharsets;

/**
 * Maps a request id to a point in [0, 1), the same on every server and every run: FNV-1a over the
 * UTF-8 bytes, then the SplitMix64 finaliser so that ids differing in one character spread evenly.
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
