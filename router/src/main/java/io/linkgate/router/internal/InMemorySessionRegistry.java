package io.linkgate.router.internal;

import io.linkgate.router.DeviceSession;
import io.linkgate.router.store.SessionRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session registry of one JVM. Each user maps to a small copy-on-write array of devices, which
 * costs far less per connected user than a nested map; users without devices are removed, so memory
 * follows the number of connections.
 */
final class InMemorySessionRegistry implements SessionRegistry {
  private static final Logger log = LoggerFactory.getLogger(InMemorySessionRegistry.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final ConcurrentHashMap<String, DeviceSession[]> byUser = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private volatile Consumer<DeviceSession> displaced = s -> {};

  @Override
  public CompletionStage<Void> register(DeviceSession session) {
    DeviceSession[] replaced = {null};
    byUser.compute(
        session.userId(),
        (user, devices) -> {
          if (devices == null) {
            return new DeviceSession[] {session};
          }
          int i = indexOf(devices, session.deviceId());
          DeviceSession[] next;
          if (i >= 0) {
            replaced[0] = devices[i];
            next = devices.clone();
            next[i] = session;
          } else {
            next = Arrays.copyOf(devices, devices.length + 1);
            next[devices.length] = session;
          }
          return next;
        });
    changed(session.userId());
    DeviceSession old = replaced[0];
    if (old != null && !old.nodeId().equals(session.nodeId())) {
      displaced.accept(old);
    }
    return DONE;
  }

  /** Told of an entry of another node replaced by a newer session of the same device. */
  void onDisplaced(Consumer<DeviceSession> tellNode) {
    this.displaced = tellNode;
  }

  @Override
  public CompletionStage<Boolean> unregister(DeviceSession session) {
    boolean[] removed = {false};
    byUser.computeIfPresent(
        session.userId(),
        (user, devices) -> {
          int i = indexOf(devices, session.deviceId());
          if (i < 0 || !devices[i].sessionId().equals(session.sessionId())) {
            return devices;
          }
          removed[0] = true;
          if (devices.length == 1) {
            return null;
          }
          DeviceSession[] next = new DeviceSession[devices.length - 1];
          System.arraycopy(devices, 0, next, 0, i);
          System.arraycopy(devices, i + 1, next, i, devices.length - i - 1);
          return next;
        });
    if (removed[0]) {
      changed(session.userId());
    }
    return CompletableFuture.completedFuture(removed[0]);
  }

  @Override
  public CompletionStage<List<DeviceSession>> lookup(String userId) {
    DeviceSession[] devices = byUser.get(userId);
    return CompletableFuture.completedFuture(devices == null ? List.of() : List.of(devices));
  }

  @Override
  public CompletionStage<Void> recordAck(
      String userId, String deviceId, String sessionId, long upToSeq) {
    byUser.computeIfPresent(
        userId,
        (user, devices) -> {
          int i = indexOf(devices, deviceId);
          if (i < 0 || !devices[i].sessionId().equals(sessionId) || devices[i].ackedSeq() >= upToSeq) {
            return devices;
          }
          DeviceSession[] next = devices.clone();
          next[i] = devices[i].withAckedSeq(upToSeq);
          return next;
        });
    // Not a membership change: cached lookups may show a slightly older acked seq, which is fine.
    return DONE;
  }

  @Override
  public CompletionStage<List<String>> onlineUsers() {
    return CompletableFuture.completedFuture(new ArrayList<>(byUser.keySet()));
  }

  @Override
  public void addChangeListener(Consumer<String> listener) {
    listeners.add(listener);
  }

  private void changed(String userId) {
    for (Consumer<String> listener : listeners) {
      try {
        listener.accept(userId);
      } catch (RuntimeException e) {
        log.warn("session change listener failed", e);
      }
    }
  }

  private static int indexOf(DeviceSession[] devices, String deviceId) {
    for (int i = 0; i < devices.length; i++) {
      if (devices[i].deviceId().equals(deviceId)) {
        return i;
      }
    }
    return -1;
  }
}
