/** JMH benchmarks of the clearing engine and (later) the oracle service. */
package io.tokenflow.bench;
