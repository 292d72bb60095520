/** JMH benchmarks of retail pricing: the exact leader optimum next to its grid and enumeration baselines. */
package io.tokenflow.bench.retail;
