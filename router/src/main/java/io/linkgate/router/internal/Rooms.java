package io.linkgate.router.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Room membership of this node's downlinks. Rooms are best effort: a member gets what is published
 * while it is subscribed and connected, with seq 0, and nothing is kept for later.
 */
final class Rooms {
  static final int MAX_ROOM_NAME = 256;

  private final ConcurrentHashMap<String, Set<LocalDownlink>> members = new ConcurrentHashMap<>();
  private final int maxPerSession;
  /** Told when a room may have gained its first local member or lost its last. */
  private final Consumer<String> membershipChanged;

  Rooms(int maxPerSession, Consumer<String> membershipChanged) {
    this.maxPerSession = maxPerSession;
    this.membershipChanged = membershipChanged;
  }

  /** Subscribes {@code s} to {@code room}; returns null, or the {@code Error} frame saying why not. */
  Frame join(LocalDownlink s, String room) {
    Frame bad = checkName(room);
    if (bad != null) {
      return bad;
    }
    // Holding the session's monitor across both steps keeps a concurrent release from missing the
    // membership added here.
    boolean[] created = {false};
    synchronized (s) {
      if (s.isReleased()) {
        return Frames.error(ErrorCode.UNAVAILABLE, "the downlink is closed");
      }
      if (!s.addRoom(room, maxPerSession)) {
        return Frames.error(
            ErrorCode.RATE_LIMITED, "a downlink may be subscribed to at most " + maxPerSession + " rooms");
      }
      members.compute(
          room,
          (r, set) -> {
            created[0] = set == null;
            Set<LocalDownlink> m = set != null ? set : ConcurrentHashMap.newKeySet();
            m.add(s);
            return m;
          });
    }
    if (created[0]) {
      membershipChanged.accept(room);
    }
    return null;
  }

  /** Unsubscribes {@code s} from {@code room}; returns null, or the {@code Error} frame saying why not. */
  Frame leave(LocalDownlink s, String room) {
    Frame bad = checkName(room);
    if (bad != null) {
      return bad;
    }
    synchronized (s) {
      if (s.removeRoom(room)) {
        drop(s, room);
      }
    }
    return null;
  }

  /** Removes a released session from the rooms it held. */
  void leaveAll(LocalDownlink s, Set<String> held) {
    for (String room : held) {
      drop(s, room);
    }
  }

  /** Writes {@code frame} to every live local member of {@code room}; returns how many took it. */
  int deliver(String room, EncodedFrame frame) {
    Set<LocalDownlink> set = members.get(room);
    if (set == null) {
      return 0;
    }
    int n = 0;
    for (LocalDownlink s : set) {
      // LIVE is set only after Welcome went out, so a room frame never precedes it.
      if (s.state == LocalDownlink.LIVE) {
        if (s.channel.send(frame)) {
          n++;
        } else {
          s.state = LocalDownlink.DEAD;
        }
      }
    }
    return n;
  }

  boolean hasMembers(String room) {
    return members.containsKey(room);
  }

  /** Rooms with local members, by name, from {@code offset}: a page of names and member counts. */
  java.util.List<java.util.Map.Entry<String, Integer>> page(int offset, int limit) {
    return members.entrySet().stream()
        .map(e -> java.util.Map.entry(e.getKey(), e.getValue().size()))
        .sorted(java.util.Map.Entry.comparingByKey())
        .skip(offset)
        .limit(limit)
        .toList();
  }

  int roomCount() {
    return members.size();
  }

  /** Memberships on this node, all rooms together (a walk over the rooms: for scrapes, not pushes). */
  long memberCount() {
    long n = 0;
    for (Set<LocalDownlink> set : members.values()) {
      n += set.size();
    }
    return n;
  }

  private void drop(LocalDownlink s, String room) {
    boolean[] emptied = {false};
    members.computeIfPresent(
        room,
        (r, set) -> {
          set.remove(s);
          emptied[0] = set.isEmpty();
          return emptied[0] ? null : set;
        });
    if (emptied[0]) {
      membershipChanged.accept(room);
    }
  }

  static Frame checkName(String room) {
    if (room.isEmpty()) {
      return Frames.error(ErrorCode.INVALID_ARGUMENT, "room name is empty");
    }
    if (room.length() > MAX_ROOM_NAME) {
      return Frames.error(
          ErrorCode.INVALID_ARGUMENT, "room name longer than " + MAX_ROOM_NAME + " characters");
    }
    return null;
  }
}
