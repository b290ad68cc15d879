package io.linkgate.server.internal;

import com.google.inject.Module;
import io.linkgate.server.StoreConfig;
import java.util.Map;
import java.util.function.Supplier;

/** The store module for a configured store type: chosen here, so no module holds an {@code if}. */
public final class StoreModules {
  private static final Map<String, Supplier<Module>> BY_TYPE =
      Map.of(StoreConfig.MEMORY, InMemoryStoreModule::new, StoreConfig.REDIS, RedisStoreModule::new);

  private StoreModules() {}

  /** {@code store.type} was validated by {@link StoreConfig}. */
  public static Module forConfig(StoreConfig store) {
    return BY_TYPE.get(store.type()).get();
  }
}
