/**
 * Java client SDK for the TokenFlow pricing oracle.
 *
 * <p>Placeholder until the client SDK issue lands: the module exists so that the build, its
 * dependency direction (router-demo → client-sdk → proto) and its coordinates are fixed now.
 */
package io.tokenflow.client;
