package io.tokenflow.client;

/** An accepted update: the market version that includes it, and whether that version is already cleared. */
public record UpdateAck(long marketVersion, boolean cleared) {}
