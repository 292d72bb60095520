/**
 * The Java client of the TokenFlow pricing oracle: {@link io.tokenflow.client.PricingOracleClient}, built
 * with {@link io.tokenflow.client.PricingOracleClient#builder()}. Answers are SDK records, never generated
 * protobuf types; failures are {@link io.tokenflow.client.OracleException} subclasses mapped from gRPC status.
 */
package io.tokenflow.client;
