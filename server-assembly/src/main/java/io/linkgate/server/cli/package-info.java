/**
 * The {@code linkgate} tool: {@code serve} (the default), {@code token}, {@code listen}, {@code
 * send} and {@code demo}. Entry point: {@link io.linkgate.server.cli.Linkgate}.
 */
package io.linkgate.server.cli;
