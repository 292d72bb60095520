package io.tokenflow.market.solution;

import java.util.List;

/**
 * The part of one origin's served demand of a class that the cleared flows carry to one site.
 *
 * @param site            the node that processes these tokens
 * @param path            node ids from the origin to the site along positive flows
 * @param tokensPerSecond how many of the origin's tokens go there
 * @param share           tokensPerSecond over the origin's served tokens (shares of an origin sum to 1)
 * @param latencyMs       Σ τ of the links along {@code path} (within the class's limit under END_TO_END)
 */
public record ServingShare(String site, List<String> path, double tokensPerSecond, double share, double latencyMs) {

    public ServingShare {
        path = List.copyOf(path);
    }
}
