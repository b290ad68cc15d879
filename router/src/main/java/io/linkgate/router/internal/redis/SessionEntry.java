package io.linkgate.router.internal.redis;

import io.linkgate.router.DeviceSession;

/**
 * A device's registry entry as stored in the user's sessions hash: {@code
 * <session id>\t<node id>\t<acked seq>}, field = device id. The scripts read the node and the acked
 * seq out of it, so the layout is shared with them.
 */
final class SessionEntry {
  private SessionEntry() {}

  static byte[] encode(DeviceSession s) {
    return Redis.utf8(s.sessionId() + '\t' + s.nodeId() + '\t' + s.ackedSeq());
  }

  /** @return the session, or null for an entry this version cannot read */
  static DeviceSession decode(String userId, String deviceId, byte[] value) {
    String v = Redis.utf8(value);
    int a = v.indexOf('\t');
    int b = a < 0 ? -1 : v.indexOf('\t', a + 1);
    if (a <= 0 || b < 0) {
      return null;
    }
    try {
      long acked = Long.parseLong(v.substring(b + 1));
      return new DeviceSession(userId, deviceId, v.substring(0, a), v.substring(a + 1, b), acked);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static void checkId(String what, String id) {
    if (id.indexOf('\t') >= 0) {
      throw new IllegalArgumentException(what + " must not contain a tab: " + id);
    }
  }
}
