package io.linkgate.api.client;

/** The client side of one transport, found with {@link java.util.ServiceLoader}. */
public interface ClientTransportProvider {
  /** The transport's name, matching {@code Endpoint.transport} and the server's provider. */
  String name();

  /** Whether this transport can run here. Never throws. */
  boolean isAvailable();

  /** When two available providers share a name, the higher priority wins. Default 5. */
  default int priority() {
    return 5;
  }

  /** A transport instance owning its threads until {@link ClientTransport#close()}. Cheap. */
  ClientTransport create(ClientTransportOptions options);
}
