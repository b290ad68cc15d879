package io.linkgate.api.transport;

import com.google.inject.Module;

/**
 * A server-side transport, found with {@link java.util.ServiceLoader}. Implementations have a public
 * zero-argument constructor that does no work.
 */
public interface TransportProvider {
  /** The name used in configuration ({@code tcp}, {@code http-tunnel}, {@code grpc}). */
  String name();

  /** Whether this transport can run here. Never throws: returns false instead. */
  boolean isAvailable();

  /** When two available providers share a name, the higher priority wins. Default 5. */
  default int priority() {
    return 5;
  }

  /**
   * Bindings only (no I/O, no threads): the factories for the roles this transport serves,
   * registered with {@link TransportBindings} under {@link #name()}.
   */
  Module module();
}
