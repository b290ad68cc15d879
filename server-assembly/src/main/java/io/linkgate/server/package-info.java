/**
 * The Linkgate server: a node composed from configuration.
 *
 * <p>Starting points:
 *
 * <ul>
 *   <li>{@link io.linkgate.server.LinkgateConfig}: the configuration, from a YAML file ({@code
 *       load}), a string ({@code parse}) or the defaults.
 *   <li>{@link io.linkgate.server.LinkgateServer}: {@code start(config)} runs a node; {@code close()}
 *       drains it gracefully.
 *   <li>{@code io.linkgate.server.cli.Linkgate}: the {@code linkgate} command-line tool (the
 *       runnable jar's main class).
 * </ul>
 *
 * <p>Transports are found with {@link java.util.ServiceLoader} ({@link
 * io.linkgate.api.transport.TransportProvider}); each provider's Guice module is installed into the
 * node's injector beside the node's own bindings, and the transports named in the configuration are
 * created and started after the injector is built.
 */
package io.linkgate.server;
