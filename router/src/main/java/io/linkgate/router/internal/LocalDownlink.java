package io.linkgate.router.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * One device's downlink on this node and its delivery state.
 *
 * <p>Delivery fields are guarded by the owning {@link LocalUser}'s monitor. The rule they keep: a
 * frame goes to the channel only when its seq is {@code lastDelivered + 1}; anything further ahead
 * marks a gap, which {@link Downlinks} fills from the inbox before going on.
 */
final class LocalDownlink implements DownlinkSession {
  static final int HANDSHAKING = 0;
  static final int LIVE = 1;
  static final int DEAD = 2;

  /** What {@link #offer} asks of its caller. */
  static final int OFFER_DONE = 0;
  static final int OFFER_FILL = 1;
  static final int OFFER_RESYNC = 2;

  final LocalUser user;
  final String deviceId;
  final String sessionId;
  /** The transport's name, for metrics (one shared string per transport). */
  final String transport;
  /** Set once the handshake completed, so that only opened downlinks count as closed. Guarded by user. */
  boolean opened;
  final DownlinkChannel channel;
  private final Downlinks owner;

  // Guarded by user. state is volatile so room fan-out can check it without the lock.
  volatile int state = HANDSHAKING;
  boolean replaced;
  boolean filling;
  int fillRetries;
  long lastDelivered;
  long wanted;
  long acked;
  String epoch;

  // Guarded by this.
  private Set<String> rooms;
  private boolean released;

  LocalDownlink(
      LocalUser user, String deviceId, String sessionId, String transport, DownlinkChannel channel, Downlinks owner) {
    this.transport = transport;
    this.user = user;
    this.deviceId = deviceId;
    this.sessionId = sessionId;
    this.channel = channel;
    this.owner = owner;
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public CompletionStage<Frame> onFrame(Frame frame) {
    return owner.onClientFrame(this, frame);
  }

  @Override
  public void onClosed() {
    owner.release(this);
  }

  /**
   * Offers a live push with seq {@code seq}. Guarded by user.
   *
   * @return {@link #OFFER_DONE}, {@link #OFFER_FILL} if the caller must start a gap fill (before it
   *     lets go of the user's monitor: offers are dropped from now on), or {@link
   *     #OFFER_RESYNC} if the push belongs to another seq space and the session must be closed
   */
  int offer(long seq, EncodedFrame frame, String pushEpoch) {
    switch (state) {
      case LIVE:
        break;
      case HANDSHAKING:
        // Not sent: the handshake's inbox read, or the fill it starts, covers it.
        wanted = Math.max(wanted, seq);
        return OFFER_DONE;
      default:
        return OFFER_DONE;
    }
    if (!pushEpoch.equals(epoch)) {
      return OFFER_RESYNC;
    }
    if (seq <= lastDelivered) {
      return OFFER_DONE; // replayed already
    }
    if (filling || seq != lastDelivered + 1) {
      wanted = Math.max(wanted, seq);
      if (filling) {
        return OFFER_DONE;
      }
      filling = true;
      return OFFER_FILL;
    }
    if (send(frame)) {
      lastDelivered = seq;
    }
    return OFFER_DONE;
  }

  /** Writes one frame; a refusal means the channel is closing itself. Guarded by user. */
  boolean send(EncodedFrame frame) {
    if (channel.send(frame)) {
      return true;
    }
    state = DEAD;
    return false;
  }

  /** Joins {@code room}; false if the session already holds {@code max} rooms or is gone. */
  synchronized boolean addRoom(String room, int max) {
    if (released) {
      return false;
    }
    if (rooms == null) {
      rooms = new HashSet<>(4);
    }
    if (rooms.contains(room)) {
      return true;
    }
    if (rooms.size() >= max) {
      return false;
    }
    rooms.add(room);
    return true;
  }

  synchronized boolean removeRoom(String room) {
    return rooms != null && rooms.remove(room);
  }

  synchronized int roomCount() {
    return rooms == null ? 0 : rooms.size();
  }

  synchronized boolean isReleased() {
    return released;
  }

  /** Marks the session released; returns its rooms, or null if it was already released. */
  synchronized Set<String> markReleased() {
    if (released) {
      return null;
    }
    released = true;
    Set<String> held = rooms == null ? Set.of() : rooms;
    rooms = null;
    return held;
  }

  @Override
  public String toString() {
    return "downlink " + sessionId + " of " + user.userId + "/" + deviceId;
  }
}
