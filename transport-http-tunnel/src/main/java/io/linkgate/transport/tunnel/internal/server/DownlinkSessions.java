package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.ErrorCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The downlink sessions open on one server, by session id, so that the requests that belong to a
 * session (its client's frames, its polls, its end) find it.
 *
 * <p>Poll sessions outlive their requests, so they are counted: a slot is taken before the core
 * opens one and given back when it ends. One device has one poll session (a new one replaces the
 * old, as the core replaces the device's session), one user at most {@code maxPollsPerUser}, the
 * server at most {@code maxPolls}. A stream is bounded by its connection.
 */
final class DownlinkSessions {
  /** A place taken for one poll session of {@code userId}'s device {@code deviceId}. */
  static final class PollSlot {
    final String userId;
    final String deviceId;
    private boolean released; // guarded by the sessions' lock

    private PollSlot(String userId, String deviceId) {
      this.userId = userId;
      this.deviceId = deviceId;
    }
  }

  /** One user's poll sessions: the slots taken (opening or open), and the open one per device. */
  private static final class UserPolls {
    int slots;
    final Map<String, PollDownlink> byDevice = new HashMap<>(2);
  }

  private final ConcurrentHashMap<String, TunnelDownlink> byId = new ConcurrentHashMap<>();
  private final int maxPolls;
  private final int maxPollsPerUser;
  private final Object lock = new Object();
  private final Map<String, UserPolls> pollsByUser = new HashMap<>(); // guarded by lock
  private int polls; // guarded by lock

  DownlinkSessions(int maxPolls, int maxPollsPerUser) {
    this.maxPolls = maxPolls;
    this.maxPollsPerUser = maxPollsPerUser;
  }

  /**
   * Takes a slot for a new poll session of {@code userId}'s {@code deviceId}.
   *
   * @throws HttpRefusal 429 when the user holds its most poll sessions (not counting the device's
   *     own, which the new one replaces), 503 when the server does
   */
  PollSlot reservePoll(String userId, String deviceId) {
    synchronized (lock) {
      UserPolls user = pollsByUser.get(userId);
      int others = user == null ? 0 : user.slots - (user.byDevice.containsKey(deviceId) ? 1 : 0);
      if (others >= maxPollsPerUser) {
        throw new HttpRefusal(
            429,
            ErrorCode.RATE_LIMITED,
            "too many poll sessions for this user (limit " + maxPollsPerUser + ")");
      }
      if (polls >= maxPolls) {
        throw new HttpRefusal(503, ErrorCode.UNAVAILABLE, "too many poll sessions; retry later");
      }
      if (user == null) {
        user = new UserPolls();
        pollsByUser.put(userId, user);
      }
      user.slots++;
      polls++;
      return new PollSlot(userId, deviceId);
    }
  }

  /**
   * The session opened in {@code slot} is its device's poll session now.
   *
   * @return the device's previous poll session, which the caller ends, or null
   */
  PollDownlink addPoll(PollSlot slot, PollDownlink downlink) {
    PollDownlink previous;
    synchronized (lock) {
      if (slot.released) {
        return null; // it ended before it was added
      }
      previous = pollsByUser.get(slot.userId).byDevice.put(slot.deviceId, downlink);
    }
    byId.put(downlink.sessionId(), downlink);
    return previous;
  }

  /**
   * Gives back {@code slot}: its session never opened ({@code downlink} null) or has ended.
   * Idempotent.
   */
  void releasePoll(PollSlot slot, PollDownlink downlink) {
    synchronized (lock) {
      if (slot.released) {
        return;
      }
      slot.released = true;
      polls--;
      UserPolls user = pollsByUser.get(slot.userId);
      if (downlink != null) {
        user.byDevice.remove(slot.deviceId, downlink);
      }
      if (--user.slots == 0) {
        pollsByUser.remove(slot.userId);
      }
    }
    if (downlink != null) {
      byId.remove(downlink.sessionId(), downlink);
    }
  }

  /** Poll slots taken now (sessions opening or open). */
  int pollCount() {
    synchronized (lock) {
      return polls;
    }
  }

  void add(TunnelDownlink downlink) {
    byId.put(downlink.sessionId(), downlink);
  }

  void remove(TunnelDownlink downlink) {
    byId.remove(downlink.sessionId(), downlink);
  }

  /** The session {@code sessionId} if it belongs to {@code userId}'s device {@code deviceId}. */
  TunnelDownlink find(String sessionId, String userId, String deviceId) {
    TunnelDownlink d = byId.get(sessionId);
    if (d == null || !d.userId().equals(userId) || !d.deviceId().equals(deviceId)) {
      return null;
    }
    return d;
  }

  List<TunnelDownlink> all() {
    return List.copyOf(byId.values());
  }
}
