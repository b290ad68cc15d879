package io.linkgate.example.websocket.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.OpCode;

/** What both sides agree on: the name, the paths, the message form and the close codes. */
public final class WsProtocol {
  public static final String NAME = "websocket";
  public static final String DOWNLINK_PATH = "/v1/ws/downlink";
  public static final String UPLINK_PATH = "/v1/ws/uplink";

  /** Optional: a client may offer it; the server then selects it. */
  public static final String SUBPROTOCOL = "linkgate.v1";

  private WsProtocol() {}

  /** Whether {@code className} loads here; for the providers' availability. Never throws. */
  public static boolean loads(String className) {
    try {
      Class.forName(className, false, WsProtocol.class.getClassLoader());
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * What every connection does with a frame other than a close: answers a WebSocket ping (browsers
   * never send one; other clients may) and hands a data frame on. If that throws, a bug rather than
   * the peer's doing, the callback fails and Jetty closes the connection with 1011.
   *
   * @return false if the callback was failed; else succeeding it is the caller's
   */
  static boolean dispatch(
      CoreSession ws,
      org.eclipse.jetty.websocket.core.Frame frame,
      Consumer<org.eclipse.jetty.websocket.core.Frame> onData,
      Consumer<RuntimeException> onFailure,
      Callback callback) {
    try {
      if (frame.getOpCode() == OpCode.PING) {
        ws.sendFrame(
            new org.eclipse.jetty.websocket.core.Frame(OpCode.PONG)
                .setPayload(BufferUtil.copy(frame.getPayload())),
            Callback.NOOP,
            false);
      } else if (frame.isDataFrame()) {
        onData.accept(frame);
      }
      return true;
    } catch (RuntimeException e) {
      onFailure.accept(e);
      callback.failed(e);
      return false;
    }
  }

  public static String path(Role role) {
    return role == Role.DOWNLINK ? DOWNLINK_PATH : UPLINK_PATH;
  }

  /**
   * The binary message carrying {@code frame}: its body, without the length prefix, sharing the
   * bytes the frame was encoded into once for every connection it goes to.
   */
  static org.eclipse.jetty.websocket.core.Frame message(EncodedFrame frame) {
    byte[] bytes = frame.bytes();
    int body = frame.frame().getSerializedSize();
    int header = FrameCodec.headerSize(body);
    return new org.eclipse.jetty.websocket.core.Frame(
        OpCode.BINARY, ByteBuffer.wrap(bytes, header, body).slice());
  }

  static org.eclipse.jetty.websocket.core.Frame message(Frame frame) {
    return new org.eclipse.jetty.websocket.core.Frame(
        OpCode.BINARY, ByteBuffer.wrap(frame.toByteArray()));
  }

  /** The WebSocket close code that goes with a last frame (an Error, a GoAway, or none). */
  static int closeCode(Frame last) {
    if (last == null) {
      return CloseStatus.NORMAL;
    }
    if (last.hasGoAway()) {
      return CloseStatus.SHUTDOWN; // 1001, "going away"
    }
    if (!last.hasError()) {
      return CloseStatus.NORMAL;
    }
    return closeCode(last.getError().getCode());
  }

  static int closeCode(ErrorCode code) {
    return switch (code) {
      case FRAME_TOO_LARGE -> CloseStatus.MESSAGE_TOO_LARGE;
      case BAD_FRAME -> CloseStatus.BAD_PAYLOAD;
      case SLOW_CONSUMER, RATE_LIMITED, UNAVAILABLE -> CloseStatus.TRY_AGAIN_LATER;
      case INTERNAL -> CloseStatus.SERVER_ERROR;
      case TIMEOUT -> CloseStatus.NORMAL;
      default -> CloseStatus.POLICY_VIOLATION;
    };
  }

  /** A close reason fits a control frame (123 bytes); the Error frame before it says it all. */
  static String closeReason(Frame last) {
    if (last == null) {
      return "closed";
    }
    if (last.hasGoAway()) {
      return "go away";
    }
    return last.hasError() ? last.getError().getCode().name() : "closed";
  }
}
