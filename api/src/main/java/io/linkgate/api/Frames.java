package io.linkgate.api;

import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Ping;
import io.linkgate.api.proto.Pong;

/** Shorthands for the frames every transport builds. */
public final class Frames {
  private Frames() {}

  public static Frame error(ErrorCode code, String message) {
    return error(code, message, "");
  }

  public static Frame error(ErrorCode code, String message, String clientMsgId) {
    return Frame.newBuilder()
        .setError(
            Error.newBuilder()
                .setCode(code)
                .setMessage(message == null ? "" : message)
                .setClientMsgId(clientMsgId == null ? "" : clientMsgId))
        .build();
  }

  public static Frame ping(long nonce) {
    return Frame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build();
  }

  public static Frame pong(long nonce) {
    return Frame.newBuilder().setPong(Pong.newBuilder().setNonce(nonce)).build();
  }

  /** True for a frame whose kind this version does not know (sent by a newer peer, or garbage). */
  public static boolean isUnknownKind(Frame frame) {
    return frame.getKindCase() == Frame.KindCase.KIND_NOT_SET;
  }
}
