package io.linkgate.router.internal.redis;

import io.linkgate.router.DeviceSession;

/**
 * A device's registry entry as stored in the user's sessions hash: {@code <session id>\t<node
 * id>\t<transport>\t<connected at ms>\t<acked seq>}, field = device id. The scripts read the
 * session (first), the node (second) and the acked seq (last) out of it, so those places are
 * shared with them; an entry of the older three-field layout still reads.
 */
final class SessionEntry {
  private SessionEntry() {}

  static byte[] encode(DeviceSession s) {
    return Redis.utf8(
        s.sessionId() + '\t' + s.nodeId() + '\t' + s.transport() + '\t' + s.connectedAtMs() + '\t' + s.ackedSeq());
  }

  /** @return the session, or null for an entry this version cannot read */
  static DeviceSession decode(String userId, String deviceId, byte[] value) {
    String[] f = Redis.utf8(value).split("\t", -1);
    try {
      if (f.length == 3 && !f[0].isEmpty()) {
        return new DeviceSession(userId, deviceId, f[0], f[1], Long.parseLong(f[2]));
      }
      if (f.length == 5 && !f[0].isEmpty()) {
        return new DeviceSession(userId, deviceId, f[0], f[1], Long.parseLong(f[4]), f[2], Long.parseLong(f[3]));
      }
    } catch (NumberFormatException e) {
      // fall through: unreadable
    }
    return null;
  }

  static void checkId(String what, String id) {
    if (id.indexOf('\t') >= 0) {
      throw new IllegalArgumentException(what + " must not contain a tab: " + id);
    }
  }
}
