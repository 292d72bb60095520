package io.tokenflow.market.solution;

import java.util.List;

/**
 * Tokens of one origin and class carried along one path to the node that processes them.
 *
 * @param origin          where the tokens arise
 * @param classId         the workload class
 * @param path            node ids from {@code origin} to the serving node (just {@code origin} when served there)
 * @param tokensPerSecond how many, tokens/s (> 0)
 * @param latencyMs       Σ τ of the links along the path; within the class's limit under END_TO_END
 */
public record PathFlow(String origin, String classId, List<String> path, double tokensPerSecond, double latencyMs) {

    public PathFlow {
        path = List.copyOf(path);
        if (path.isEmpty() || !path.get(0).equals(origin)) {
            throw new IllegalArgumentException("a path flow's path starts at its origin '" + origin + "', got " + path);
        }
    }

    /** The node that processes these tokens: the path's last. */
    public String site() {
        return path.get(path.size() - 1);
    }
}
