package io.tokenflow.demo.router;

/**
 * What a router hears back from the sites: whether a site is busy for a class right now. In the demo a
 * site pushes back once the work waiting for it (its queue and what this step has sent it) reaches one
 * step of its capacity, as a serving site's admission control answers "busy" (HTTP 429, a full queue)
 * rather than taking work it cannot start.
 */
@FunctionalInterface
public interface SitePushBack {
    /** A router that hears nothing. */
    SitePushBack NONE = (node, workloadClass) -> false;

    boolean busy(String node, String workloadClass);
}
