/**
 * The Quote load benchmark ({@code bench/run-oracle-load.sh}): a bare grpc-java echo baseline
 * ({@link io.tokenflow.bench.load.EchoServer}), a closed-loop load driver with latency percentiles
 * and an optional capacity updater ({@link io.tokenflow.bench.load.LoadDriver}), a probe that reads
 * the request list off the oracle ({@link io.tokenflow.bench.load.OracleProbe}) and the report that
 * sets the oracle's runs against the echo's ({@link io.tokenflow.bench.load.LoadReport}).
 * Loopback only.
 */
package io.tokenflow.bench.load;
