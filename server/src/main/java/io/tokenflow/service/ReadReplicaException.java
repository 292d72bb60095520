package io.tokenflow.service;

/** An update sent to a read replica: it names the leader that takes updates (FAILED_PRECONDITION at the API). */
public final class ReadReplicaException extends RuntimeException {
    public ReadReplicaException(String leader) {
        super("this oracle is a read replica of " + leader + "; send updates to the leader");
    }
}
