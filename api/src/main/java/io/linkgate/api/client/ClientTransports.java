package io.linkgate.api.client;

import io.linkgate.api.ServiceProviders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The client transports on the class path, by name. */
public final class ClientTransports {
  private final Map<String, ClientTransportProvider> byName;

  private ClientTransports(Map<String, ClientTransportProvider> byName) {
    this.byName = byName;
  }

  /** Loads every available provider; on a shared name, the highest priority wins. */
  public static ClientTransports load(ClassLoader loader) {
    List<ClientTransportProvider> providers =
        ServiceProviders.load(
            ClientTransportProvider.class,
            loader,
            ClientTransportProvider::isAvailable,
            ClientTransportProvider::priority);
    Map<String, ClientTransportProvider> byName = new LinkedHashMap<>();
    for (ClientTransportProvider p : providers) {
      byName.putIfAbsent(p.name(), p); // sorted by priority: the first one wins
    }
    return new ClientTransports(byName);
  }

  public Optional<ClientTransportProvider> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The provider named {@code name}.
   *
   * @throws IllegalArgumentException naming the known transports and the artifact to add
   */
  public ClientTransportProvider get(String name) {
    ClientTransportProvider p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "no client transport named '" + name + "' on the class path (known: " + byName.keySet()
              + "); add the artifact io.linkgate:linkgate-transport-" + name);
    }
    return p;
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
