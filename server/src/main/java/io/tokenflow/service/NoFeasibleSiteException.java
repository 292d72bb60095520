package io.tokenflow.service;

/** Route found no site: every feasible one was excluded, or the class reaches no capacity from the origin. */
public final class NoFeasibleSiteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoFeasibleSiteException(String message) {
        super(message);
    }
}
