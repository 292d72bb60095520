package io.tokenflow.client;

/** Where an answer came from. */
public enum AnswerSource {
    /** The local price table, fresh: no network call. */
    LOCAL_TABLE,
    /** A call to the oracle. */
    REMOTE,
    /** The local table after the stream and the call both failed: flagged stale. */
    STALE_TABLE
}
