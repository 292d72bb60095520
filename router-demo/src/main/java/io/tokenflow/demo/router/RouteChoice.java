package io.tokenflow.demo.router;

import java.util.List;

/** A chosen site and the node path from the origin to it (origin first, site last). */
public record RouteChoice(String site, List<String> path) {
    public RouteChoice {
        path = List.copyOf(path);
        if (path.isEmpty() || !path.get(path.size() - 1).equals(site)) {
            throw new IllegalArgumentException("path " + path + " must end at site '" + site + "'");
        }
    }
}
