/**
 * The pure router: three ways of picking a serving site for one request, over client SDK types only
 * ({@link io.tokenflow.client.PricingOracleClient}, {@link io.tokenflow.client.OracleSite},
 * {@link io.tokenflow.client.OracleRoute}). Nothing here knows the scenario, the engine or gRPC.
 */
package io.tokenflow.demo.router;
