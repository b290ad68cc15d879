package io.linkgate.server.internal;

import io.linkgate.api.ServiceProviders;
import io.linkgate.api.transport.TransportProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server transports on the class path: available providers only, one per name. When two share
 * a name the higher priority wins (ties: the class name first in order), and the choice is logged,
 * so installing both modules never ends in a duplicate binding.
 */
public final class TransportCatalog {
  private static final Logger log = LoggerFactory.getLogger(TransportCatalog.class);

  private TransportCatalog() {}

  public static List<TransportProvider> discover(ClassLoader loader) {
    List<TransportProvider> ordered =
        ServiceProviders.load(
            TransportProvider.class, loader, TransportCatalog::available, TransportProvider::priority);
    Map<String, TransportProvider> byName = new LinkedHashMap<>();
    for (TransportProvider p : ordered) {
      TransportProvider winner = byName.putIfAbsent(p.name(), p);
      if (winner != null) {
        log.info(
            "two transports named '{}': using {} (priority {}), ignoring {} (priority {})",
            p.name(), winner.getClass().getName(), winner.priority(), p.getClass().getName(), p.priority());
      }
    }
    return List.copyOf(byName.values());
  }

  /** The SPI says isAvailable never throws; a plugin that does anyway is treated as unavailable. */
  private static boolean available(TransportProvider p) {
    try {
      return p.isAvailable();
    } catch (RuntimeException | LinkageError e) {
      log.warn("transport provider {} failed its availability check: {}", p.getClass().getName(), e.toString());
      return false;
    }
  }
}
