package io.linkgate.transport.tunnel.internal.server;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The downlink sessions open on one server, by session id, so that the requests that belong to a
 * session (its client's frames, its polls, its end) find it. Poll sessions outlive their requests,
 * so their number is bounded; a stream is bounded by its connection.
 */
final class DownlinkSessions {
  private final ConcurrentHashMap<String, TunnelDownlink> byId = new ConcurrentHashMap<>();
  private final AtomicInteger polls = new AtomicInteger();
  private final int maxPolls;

  DownlinkSessions(int maxPolls) {
    this.maxPolls = maxPolls;
  }

  /** Takes a place for a new poll session; false when all are taken. */
  boolean reservePoll() {
    while (true) {
      int n = polls.get();
      if (n >= maxPolls) {
        return false;
      }
      if (polls.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void releasePoll() {
    polls.decrementAndGet();
  }

  int pollCount() {
    return polls.get();
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
