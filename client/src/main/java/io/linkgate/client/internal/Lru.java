package io.linkgate.client.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that forgets its least recently used entry past a bound. Not thread-safe. */
final class Lru<K, V> extends LinkedHashMap<K, V> {
  /** Networks one client remembers things for; a phone sees a handful, this is only a bound. */
  static final int NETWORKS = 16;

  private final int max;

  Lru(int max) {
    super(16, 0.75f, true);
    this.max = max;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > max;
  }
}
