package io.linkgate.client;

import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Welcome;

/**
 * Receives pushes. Every method is called on the client's single callback thread, in order, one at
 * a time; a slow listener holds back later pushes (past a bound the client pauses the downlink and
 * resumes once it has caught up), so hand heavy work to another thread.
 */
public interface PushListener {
  /**
   * A push. Per-user pushes ({@code seq > 0}) arrive exactly once and in seq order; room pushes
   * ({@code seq == 0}) are best effort. When this returns, the push counts as delivered: the
   * client's {@link LinkgateClient#cursor()} moves past it and it is acked to the server soon after.
   */
  void onPush(Push push);

  /**
   * The server could not replay everything after the client's position ({@code welcome.getResumed()}
   * is false) or the user's seq space changed ({@code welcome.getEpoch()} differs from the known
   * one): fetch the full state from the backend. Pushes that follow are new and are delivered from
   * wherever they start.
   */
  default void onResyncRequired(Welcome welcome) {}
}
