package io.tokenflow.demo.router;

import java.util.List;

/**
 * A chosen site and the node path from the origin to it (origin first, site last), or the decision to
 * shed the request (no site, no path): what a router does with a request the market leaves unserved.
 */
public record RouteChoice(String site, List<String> path, boolean shed) {
    public RouteChoice {
        path = List.copyOf(path);
        if (shed && (!site.isEmpty() || !path.isEmpty())) {
            throw new IllegalArgumentException("a shed request has no site and no path, got '" + site + "' " + path);
        }
        if (!shed && (path.isEmpty() || !path.get(path.size() - 1).equals(site))) {
            throw new IllegalArgumentException("path " + path + " must end at site '" + site + "'");
        }
    }

    public RouteChoice(String site, List<String> path) {
        this(site, path, false);
    }

    /** The request is not sent anywhere. */
    public static RouteChoice shedding() {
        return new RouteChoice("", List.of(), true);
    }
}
