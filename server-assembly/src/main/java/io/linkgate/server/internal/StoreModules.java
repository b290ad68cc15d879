package io.linkgate.server.internal;

import com.google.inject.Module;
import io.linkgate.server.StoreConfig;
import java.util.Map;
import java.util.function.Supplier;

/** The modules a configuration chooses (store, send handling): chosen here, so no module holds an {@code if}. */
public final class StoreModules {
  private static final Map<String, Supplier<Module>> BY_TYPE =
      Map.of(StoreConfig.MEMORY, InMemoryStoreModule::new, StoreConfig.REDIS, RedisStoreModule::new);

  private StoreModules() {}

  /** {@code store.type} was validated by {@link StoreConfig}. */
  public static Module forConfig(StoreConfig store) {
    return BY_TYPE.get(store.type()).get();
  }

  /** The module of {@code sends.handler}; {@code deliver} needs none (the router's default). */
  public static java.util.Optional<Module> forSends(io.linkgate.server.SendsConfig sends) {
    return sends.handler().equals(io.linkgate.server.SendsConfig.REDIS_STREAM)
        ? java.util.Optional.of(new StreamSendsModule())
        : java.util.Optional.empty();
  }
}
