package io.linkgate.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the providers of one SPI: drops those that are unavailable or fail to load, and orders the
 * rest by priority (highest first), then class name, so the order repeats from run to run.
 */
public final class ServiceProviders {
  private static final Logger log = LoggerFactory.getLogger(ServiceProviders.class);

  private ServiceProviders() {}

  public static <T> List<T> load(
      Class<T> spi, ClassLoader loader, Predicate<T> isAvailable, ToIntFunction<T> priority) {
    List<T> found = new ArrayList<>();
    ServiceLoader<T> serviceLoader =
        ServiceLoader.load(spi, loader != null ? loader : Thread.currentThread().getContextClassLoader());
    var it = serviceLoader.iterator();
    while (true) {
      T provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError e) {
        log.warn("skipping a {} that failed to load: {}", spi.getSimpleName(), e.getMessage());
        continue;
      }
      if (isAvailable.test(provider)) {
        found.add(provider);
      } else {
        log.debug("{} {} is not available here", spi.getSimpleName(), provider.getClass().getName());
      }
    }
    found.sort(
        Comparator.comparingInt(priority).reversed()
            .thenComparing(p -> p.getClass().getName()));
    return found;
  }
}
