package io.linkgate.router.internal;

/**
 * The downlinks one user has on this node, and the lock that orders everything sent to them: pushes,
 * handshake replay and gap fills all hold this object's monitor while writing to the channels.
 *
 * <p>The session array is copy-on-write so that a channel which closes re-entrantly while being
 * written to (and so removes its session) cannot disturb an iteration in progress. A user object
 * with no sessions left is retired and dropped from the map; a retired object is never reused.
 */
final class LocalUser {
  private static final LocalDownlink[] NONE = new LocalDownlink[0];

  final String userId;
  /** Written under this object's monitor. */
  private volatile LocalDownlink[] sessions = NONE;
  /** Guarded by this. */
  boolean retired;

  LocalUser(String userId) {
    this.userId = userId;
  }

  LocalDownlink[] sessions() {
    return sessions;
  }

  /** Guarded by this. */
  LocalDownlink find(String deviceId) {
    for (LocalDownlink s : sessions) {
      if (s.deviceId.equals(deviceId)) {
        return s;
      }
    }
    return null;
  }

  /** Guarded by this. */
  void add(LocalDownlink s) {
    LocalDownlink[] old = sessions;
    LocalDownlink[] next = new LocalDownlink[old.length + 1];
    System.arraycopy(old, 0, next, 0, old.length);
    next[old.length] = s;
    sessions = next;
  }

  /** Guarded by this. Returns whether {@code s} was present. */
  boolean remove(LocalDownlink s) {
    LocalDownlink[] old = sessions;
    for (int i = 0; i < old.length; i++) {
      if (old[i] == s) {
        if (old.length == 1) {
          sessions = NONE;
        } else {
          LocalDownlink[] next = new LocalDownlink[old.length - 1];
          System.arraycopy(old, 0, next, 0, i);
          System.arraycopy(old, i + 1, next, i, old.length - i - 1);
          sessions = next;
        }
        return true;
      }
    }
    return false;
  }
}
