package io.tokenflow.demo.router;

/**
 * What a router hears back from the sites, per site × class, right now. In the demo a site is busy once
 * the work waiting for it (its queue and what this step has sent it) reaches one step of its capacity, as
 * a serving site's admission control answers "busy" (HTTP 429, a full queue) rather than taking work it
 * cannot start, and it reports its backlog (the queue it carries, in seconds of its capacity), as a
 * serving site reports its queue depth.
 */
public interface SitePushBack {
    /** A router that hears nothing: no site is ever busy or behind. */
    SitePushBack NONE = new SitePushBack() {
        @Override
        public boolean busy(String node, String workloadClass) {
            return false;
        }

        @Override
        public double backlogSeconds(String node, String workloadClass) {
            return 0;
        }
    };

    /** Whether the site would not start one more request of the class within this step. */
    boolean busy(String node, String workloadClass);

    /** The work the site × class carries from earlier steps, in seconds of its capacity. */
    double backlogSeconds(String node, String workloadClass);
}
