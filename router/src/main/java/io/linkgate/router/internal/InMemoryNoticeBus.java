package io.linkgate.router.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.router.store.NoticeBus;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices between routers sharing one in-memory store (in one JVM), delivered on the caller's thread.
 * With a single router it never has anyone to tell.
 */
final class InMemoryNoticeBus implements NoticeBus {
  private static final Logger log = LoggerFactory.getLogger(InMemoryNoticeBus.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Map<String, Listener> nodes = new ConcurrentHashMap<>();

  @Override
  public AutoCloseable subscribe(String nodeId, Listener listener) {
    if (nodes.putIfAbsent(nodeId, listener) != null) {
      throw new IllegalStateException("node id " + nodeId + " is already subscribed to this store");
    }
    return () -> nodes.remove(nodeId, listener);
  }

  @Override
  public boolean hasOtherNodes(String nodeId) {
    int n = nodes.size();
    return n > 1 || (n == 1 && !nodes.containsKey(nodeId));
  }

  @Override
  public CompletionStage<Void> sendUserPush(String nodeId, String userId, Push push, String epoch) {
    Listener listener = nodes.get(nodeId);
    if (listener == null) {
      log.debug("no node {} to deliver seq {} of {}", nodeId, push.getSeq(), userId);
      return DONE;
    }
    listener.onUserPush(userId, push, epoch);
    return DONE;
  }

  @Override
  public CompletionStage<Void> sendDeviceFrame(String nodeId, String userId, String deviceId, Frame frame) {
    Listener listener = nodes.get(nodeId);
    if (listener != null) {
      listener.onDeviceFrame(userId, deviceId, frame);
    }
    return DONE;
  }

  /** Tells the router of {@code old}'s node that a newer session of the device replaced it. */
  void sendDisplaced(io.linkgate.router.DeviceSession old) {
    Listener listener = nodes.get(old.nodeId());
    if (listener != null) {
      listener.onDisplaced(old.userId(), old.deviceId(), old.sessionId());
    }
  }

  @Override
  public CompletionStage<Void> publishRoom(String fromNodeId, String room, Push push) {
    if (!hasOtherNodes(fromNodeId)) {
      return DONE;
    }
    nodes.forEach(
        (node, listener) -> {
          if (!node.equals(fromNodeId)) {
            listener.onRoomPush(room, push);
          }
        });
    return DONE;
  }
}
