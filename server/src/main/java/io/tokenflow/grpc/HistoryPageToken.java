package io.tokenflow.grpc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;

/**
 * PriceHistory's {@code page_token}: the version the next page starts at, bound to the request it
 * continues. Encoded as URL-safe base64 (AIP-158) of a format byte, that version and the first 8 bytes
 * of a SHA-256 over origin, class and since, so a token sent with another request is refused rather
 * than answered with another history's points. Not secret: a forged token can only name a version,
 * which {@code since} could name as well.
 */
final class HistoryPageToken {
    private static final byte FORMAT = 1;
    private static final int BYTES = 1 + Long.BYTES + Long.BYTES;
    /** Characters of an encoded token (unpadded base64 of {@link #BYTES} bytes). */
    static final int LENGTH = (BYTES * 8 + 5) / 6;

    private HistoryPageToken() {}

    /** The token of the page that starts at {@code nextVersion} of this request's history. */
    static String encode(long nextVersion, String origin, String classId, Instant since) {
        ByteBuffer b = ByteBuffer.allocate(BYTES).put(FORMAT).putLong(nextVersion)
                .putLong(fingerprint(origin, classId, since));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /**
     * The version {@code token} says the next page starts at.
     *
     * @throws IllegalArgumentException a token this server did not make, or made for another request;
     *                                  the message names page_token and says which
     */
    static long decode(String token, String origin, String classId, Instant since) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw notIssued(token);
        }
        if (bytes.length != BYTES || bytes[0] != FORMAT) {
            throw notIssued(token);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, BYTES - 1);
        long version = b.getLong();
        if (version < 1) {
            throw notIssued(token);
        }
        if (b.getLong() != fingerprint(origin, classId, since)) {
            throw new IllegalArgumentException("page_token '" + token + "' continues another request: origin,"
                    + " workload_class and since must be those of the first page (only page_size may change)");
        }
        return version;
    }

    private static IllegalArgumentException notIssued(String token) {
        String shown = token.length() > 64 ? token.substring(0, 64) + "... (" + token.length() + " characters)" : token;
        return new IllegalArgumentException("page_token '" + shown + "' is not a next_page_token this server"
                + " issued; send one unchanged, or none for the first page");
    }

    private static long fingerprint(String origin, String classId, Instant since) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String request = origin + '\0' + classId + '\0'
                    + (since == null ? "-" : since.getEpochSecond() + ":" + since.getNano());
            return ByteBuffer.wrap(sha.digest(request.getBytes(StandardCharsets.UTF_8))).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
