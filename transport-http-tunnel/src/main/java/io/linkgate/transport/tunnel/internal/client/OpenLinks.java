package io.linkgate.transport.tunnel.internal.client;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The connections a client transport has open, so that closing the transport closes them. */
final class OpenLinks {
  private final Set<Runnable> closers = ConcurrentHashMap.newKeySet();

  void add(Runnable closer) {
    closers.add(closer);
  }

  void remove(Runnable closer) {
    closers.remove(closer);
  }

  void closeAll() {
    for (Runnable closer : List.copyOf(closers)) {
      closer.run();
    }
  }
}
