package io.tokenflow.service;

import io.tokenflow.market.model.WorkloadClass;

/**
 * What a router should do with a request Route does not serve ({@link RouteDecision.Reason#UNSERVED}).
 * The market cannot tell whether a caller may wait; the class's latency limit can: a request with a
 * limit that waits breaks it, one without may wait for capacity.
 */
public enum UnservedHint {
    /** The class has a latency limit, which waiting would break: refuse the request now. */
    SHED,
    /**
     * The class has no latency limit: hold the request at the origin and offer it again at a later
     * version (when the origin's unserved share falls); in a steady shortage held requests only grow.
     */
    QUEUE;

    static UnservedHint of(WorkloadClass cls) {
        return cls.maxLatencyMs().isPresent() ? SHED : QUEUE;
    }
}
