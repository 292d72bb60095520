/**
 * JMH benchmarks of the tier-menu program (io.tokenflow.market.menu) with its baselines: the textbook
 * full-grid dynamic program and, on the sizes it can finish, brute force over every monotone allocation.
 */
package io.tokenflow.bench.menu;
