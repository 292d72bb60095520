/**
 * Router demo: replays a request trace against the oracle and compares routing strategies.
 *
 * <p>Placeholder until the router demo issue lands.
 */
package io.tokenflow.demo;
