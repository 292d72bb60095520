package io.tokenflow.grpc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contract as oracle.proto writes it, read from the comments above its {@code rpc}s and at its top, so
 * {@link StatusContractTest} checks the servers against the text outside clients are written from.
 */
final class ProtoStatusContract {
    /** Statuses every RPC may end with; the header and each rpc comment must name them. */
    static final Set<Status.Code> EVERY_RPC = EnumSet.of(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.CANCELLED, Status.Code.INTERNAL);

    private ProtoStatusContract() {}

    /** The comment block right above each {@code rpc} of oracle.proto, by method name, in file order. */
    static Map<String, List<String>> rpcComments() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> lines = protoLines();
        Pattern rpc = Pattern.compile("^\\s*rpc\\s+(\\w+)\\s*\\(");
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = rpc.matcher(lines.get(i));
            if (m.find()) {
                List<String> comment = new ArrayList<>();
                for (int j = i - 1; j >= 0 && lines.get(j).trim().startsWith("//"); j--) {
                    comment.add(0, lines.get(j).trim().substring(2));
                }
                out.put(m.group(1), comment);
            }
        }
        return out;
    }

    /** The comment block at the top of oracle.proto (before {@code syntax}). */
    static List<String> headerComment() {
        List<String> out = new ArrayList<>();
        for (String line : protoLines()) {
            if (!line.trim().startsWith("//")) {
                break;
            }
            out.add(line.trim().substring(2));
        }
        return out;
    }

    /**
     * The entries of the list after the line that says "Statuses" in a comment: each starts with a status code as the first word
     * of an indented line, continued by the more indented lines after it. Returns code -> its text.
     */
    static Map<Status.Code, String> statuses(List<String> comment) {
        Map<Status.Code, String> out = new TreeMap<>();
        int start = -1;
        for (int i = 0; i < comment.size(); i++) {
            if (comment.get(i).contains("Statuses")) {
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            return out;
        }
        Pattern entry = Pattern.compile("^(\\s+)([A-Z_]+)\\s");
        Status.Code current = null;
        int indent = 0;
        for (int i = start; i < comment.size(); i++) {
            String line = comment.get(i);
            if (line.isBlank()) {
                break;
            }
            Matcher m = entry.matcher(line);
            if (m.find() && isCode(m.group(2)) && (current == null || m.group(1).length() <= indent)) {
                current = Status.Code.valueOf(m.group(2));
                indent = m.group(1).length();
                assertFalse(out.containsKey(current), current + " is listed twice in " + comment);
                out.put(current, line.trim());
            } else if (current != null && line.startsWith(" ".repeat(indent + 1))) {
                out.merge(current, " " + line.trim(), String::concat);
            } else {
                break;
            }
        }
        return out;
    }

    private static boolean isCode(String word) {
        try {
            Status.Code.valueOf(word);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static List<String> protoLines() {
        // the source when run in the repository, else the copy the proto module packs with the stubs
        Path source = Path.of("..", "proto", "src", "main", "proto", "tokenflow", "v1", "oracle.proto");
        try {
            if (Files.isReadable(source)) {
                return Files.readAllLines(source, StandardCharsets.UTF_8);
            }
            try (InputStream in = ProtoStatusContract.class.getClassLoader().getResourceAsStream("tokenflow/v1/oracle.proto")) {
                assertNotNull(in, "oracle.proto is neither in the source tree nor on the class path");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
