package io.linkgate.router;

import io.linkgate.api.auth.Identity;

/** Who sent a {@code Send}, and the router to act with. */
public interface SendContext {
  /** The authenticated sender; the only trustworthy source of the sender's user id. */
  Identity identity();

  /** The sending device, as named in the uplink's {@code Hello}. */
  String deviceId();

  Router router();
}
