package io.tokenflow.service;

/**
 * The acknowledgement of an accepted batch of updates.
 *
 * @param version the market version that includes the batch (and every version after it)
 * @param cleared whether that version was already published when the receipt was made
 */
public record UpdateReceipt(long version, boolean cleared) {}
