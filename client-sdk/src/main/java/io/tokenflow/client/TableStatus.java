package io.tokenflow.client;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The local price table.
 *
 * @param version   the market version it holds; empty before the first table arrives
 * @param age       how long ago the last table message arrived, by the builder's clock (zero when empty): the
 *                  oracle sends a table only on change, so this, not the clearing time, is what freshness
 *                  is judged by
 * @param connected whether the watch stream is up
 * @param fresh     whether quote/route answer from it without a call (connected and younger than the limit)
 */
public record TableStatus(OptionalLong version, Duration age, boolean connected, boolean fresh) {}
