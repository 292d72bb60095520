/**
 * Router demo: replays a seeded synthetic request trace of a scenario against three routing
 * strategies side by side (nearest, static cheapest, the oracle's Route), pushes a capacity drop
 * through the real RPC mid-run, and reports each strategy's cost, latency share, overloads and
 * rejections against the LP optimum. The strategies themselves are in {@code io.tokenflow.demo.router}
 * (SDK types only); this package also uses the server's engine for costs and the LP optimum.
 */
package io.tokenflow.demo;
