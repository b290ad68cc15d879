package io.linkgate.bench.internal;

import com.google.protobuf.UnsafeByteOperations;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import java.security.SecureRandom;

/**
 * The {@code Push} frames a baseline server writes: the same fields and sizes as the router's (a
 * per-user seq, a msg id shaped like the router's, from, to, payload, server time). Used by the
 * single pushing thread only.
 */
public final class PushFrames {
  private final String[] tos;
  private final long[] seqs;
  private final String from;
  private final String msgIdPrefix;
  private long msgCounter;

  public PushFrames(int maxUsers, String from) {
    this.tos = new String[maxUsers];
    for (int i = 0; i < maxUsers; i++) {
      tos[i] = "user:" + PushTarget.userId(i);
    }
    this.seqs = new long[maxUsers];
    this.from = from;
    // Shaped like the router's ids (node, random part, counter) so the frames have the same size.
    this.msgIdPrefix =
        "bench-m" + Long.toUnsignedString(new SecureRandom().nextLong() >>> 16, 36) + "-";
  }

  /** The next push to {@code user}. */
  public Frame next(int user, byte[] payload) {
    Push push =
        Push.newBuilder()
            .setSeq(++seqs[user])
            .setMsgId(msgIdPrefix + Long.toString(++msgCounter, 36))
            .setFrom(from)
            .setTo(tos[user])
            .setPayload(UnsafeByteOperations.unsafeWrap(payload))
            .setServerTimeMs(System.currentTimeMillis())
            .build();
    return Frame.newBuilder().setPush(push).build();
  }
}
