package io.linkgate.router.store;

import io.linkgate.router.DeviceSession;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** Which devices of which users are connected, on which node. */
public interface SessionRegistry {
  /**
   * Adds {@code session}, replacing any entry for the same user and device. A shared registry that
   * replaces an entry of another node tells that node (see {@link NoticeBus.Listener#onDisplaced}),
   * so a device that moved never keeps two downlinks.
   */
  CompletionStage<Void> register(DeviceSession session);

  /**
   * Removes the entry for the session's user and device if it is still this session (a newer
   * connection of the same device may have replaced it).
   *
   * @return whether an entry was removed
   */
  CompletionStage<Boolean> unregister(DeviceSession session);

  /** The user's connected devices; empty when offline. */
  CompletionStage<List<DeviceSession>> lookup(String userId);

  /**
   * Records that the device acknowledged everything up to {@code upToSeq}; an ack never lowers what
   * is recorded, and an ack for a session that is no longer registered is ignored.
   */
  CompletionStage<Void> recordAck(String userId, String deviceId, String sessionId, long upToSeq);

  /** Every user with at least one connected device. */
  CompletionStage<List<String>> onlineUsers();

  /**
   * Calls {@code listener} with a user id whenever that user's sessions change, on whatever node the
   * change happened, so caches in front of the registry can drop the entry. Best effort.
   */
  void addChangeListener(Consumer<String> listener);
}
