package io.linkgate.router.store;

import io.linkgate.api.proto.Frame;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The answers to clients' sends, kept where every node sees them, so that a {@code Send} retried on
 * another node (same user, same {@code client_msg_id}) gets the first {@code SendAck} and is not
 * delivered twice. A node keeps its own short-lived copy in front; this is the shared one behind it.
 *
 * <p>Protocol: {@link #claim} first. Empty means this caller owns the send: it handles it, then
 * either {@link #remember}s the {@code SendAck} or {@link #forget}s the claim (the send failed and may
 * be retried for real). A claim held by a node that died expires after a short time of its own.
 */
public interface SendAnswers {
  /**
   * @return empty if the caller now owns {@code (userId, clientMsgId)}; else the first answer.
   *     Fails with {@code UNAVAILABLE} while another owner is still handling it past a short wait,
   *     or when the store cannot be reached
   */
  CompletionStage<Optional<Frame>> claim(String userId, String clientMsgId);

  /** Keeps {@code answer} (a {@code SendAck}) for {@code ttl}, replacing the caller's claim. */
  CompletionStage<Void> remember(String userId, String clientMsgId, Frame answer, Duration ttl);

  /** Drops the caller's claim. */
  CompletionStage<Void> forget(String userId, String clientMsgId);
}
