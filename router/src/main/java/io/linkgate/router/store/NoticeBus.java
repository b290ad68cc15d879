package io.linkgate.router.store;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Notices between the nodes sharing a store: a direct push for a user with devices on another node,
 * and room messages (each node with members delivers its own copy). Delivery is best effort: a lost
 * direct-push notice is repaired by the receiving node's gap fill on the next push, or by the
 * client's resume.
 */
public interface NoticeBus {
  /** Starts receiving the notices addressed to {@code nodeId}. Closing the handle stops it. */
  AutoCloseable subscribe(String nodeId, Listener listener);

  /** Tells {@code nodeId} that {@code push} (already in the user's inbox) is for its devices. */
  CompletionStage<Void> sendUserPush(String nodeId, String userId, Push push, String epoch);

  /**
   * Whether any other node may be listening now. A single node answers false and so skips the
   * session lookup every push would otherwise make to find other nodes. Default true.
   */
  default boolean hasOtherNodes(String nodeId) {
    return true;
  }

  /**
   * Whether the store's {@link Inboxes#append} already tells the other nodes holding the user's
   * devices, in the same round trip. The router then sends no {@link #sendUserPush} of its own.
   * Default false.
   */
  default boolean forwardsOnAppend() {
    return false;
  }

  /**
   * Called when {@code room} may have gained its first local member or lost its last; the bus asks
   * {@link Listener#hasRoomMembers} for the truth. A bus that delivers room messages only to nodes
   * with members subscribes or unsubscribes here. Default: nothing.
   */
  default void roomMembershipChanged(String room) {}

  /**
   * Hands a device's {@code PushAck}, {@code Subscribe} or {@code Unsubscribe}, received on an
   * uplink here, to {@code nodeId}, which holds that device's downlink: a client may race its
   * uplink and its downlink to different nodes. Best effort, as the frames themselves are (a lost
   * ack is repeated by the next one; the client's resume repairs the rest). Default: dropped.
   */
  default CompletionStage<Void> sendDeviceFrame(String nodeId, String userId, String deviceId, Frame frame) {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /** Offers a room message to every other subscribed node. */
  CompletionStage<Void> publishRoom(String fromNodeId, String room, Push push);

  /** What a node receives. Calls may come from any thread. */
  interface Listener {
    void onUserPush(String userId, Push push, String epoch);

    /**
     * Several pushes for one user, consecutive in seq order, in one notice (a burst stored by
     * {@code pushAll}). Default: one {@link #onUserPush} each; a node delivers them together so a
     * transport can write the burst with one flush.
     */
    default void onUserPushes(String userId, List<Push> pushes, String epoch) {
      for (Push push : pushes) {
        onUserPush(userId, push, epoch);
      }
    }

    /**
     * Pushes for one user, consecutive in seq order and all of one epoch, as the store relays them:
     * possibly only as encoded frames ({@link Inboxes.Appended#frame()}), which a node can write to
     * byte transports without parsing. Default: {@link #onUserPushes} with the pushes parsed.
     */
    default void onUserAppended(String userId, List<Inboxes.Appended> pushes) {
      List<Push> parsed = new ArrayList<>(pushes.size());
      for (Inboxes.Appended a : pushes) {
        parsed.add(a.push());
      }
      onUserPushes(userId, parsed, pushes.get(0).epoch());
    }

    void onRoomPush(String room, Push push);

    /** A device frame another node received on an uplink, for a downlink here. Default: ignored. */
    default void onDeviceFrame(String userId, String deviceId, Frame frame) {}

    /**
     * The device connected to another node, which replaced this node's downlink {@code sessionId}
     * in the registry: close it with a {@code GoAway}. Default: ignored.
     */
    default void onDisplaced(String userId, String deviceId, String sessionId) {}

    /** Whether {@code room} has members on this node now. Default true. */
    default boolean hasRoomMembers(String room) {
      return true;
    }
  }
}
