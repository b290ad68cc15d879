package io.linkgate.tck;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Ping;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.PushAck;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.proto.Unsubscribe;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Frame builders and one-line descriptions for failure messages. */
final class Wire {
  static final String CLIENT_VERSION = "linkgate-tck";

  private Wire() {}

  static Hello hello(
      String token, String deviceId, Role role, long resumeFromSeq, int heartbeatMs) {
    return Hello.newBuilder()
        .setToken(token)
        .setDeviceId(deviceId)
        .setRole(role)
        .setResumeFromSeq(resumeFromSeq)
        .setHeartbeatMs(heartbeatMs)
        .setClientVersion(CLIENT_VERSION)
        .build();
  }

  static Frame frame(Hello hello) {
    return Frame.newBuilder().setHello(hello).build();
  }

  static Frame send(String clientMsgId, String to, String payload, Map<String, String> headers) {
    return Frame.newBuilder()
        .setSend(
            Send.newBuilder()
                .setClientMsgId(clientMsgId)
                .setTo(to)
                .setPayload(utf8(payload))
                .putAllHeaders(headers))
        .build();
  }

  static Frame send(String clientMsgId, String to, String payload) {
    return send(clientMsgId, to, payload, Map.of());
  }

  static Frame pushAck(long upToSeq) {
    return Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(upToSeq)).build();
  }

  static Frame ping(long nonce) {
    return Frame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build();
  }

  static Frame subscribe(String room) {
    return Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom(room)).build();
  }

  static Frame unsubscribe(String room) {
    return Frame.newBuilder().setUnsubscribe(Unsubscribe.newBuilder().setRoom(room)).build();
  }

  static ByteString utf8(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  static String text(Push push) {
    return push.getPayload().toStringUtf8();
  }

  static boolean isError(Frame f, ErrorCode code) {
    return f != null && f.hasError() && f.getError().getCode() == code;
  }

  /** The frame on one line, payloads shown by size only (a flood of them stays readable). */
  static String describe(Frame f) {
    if (f == null) {
      return "<connection closed>";
    }
    switch (f.getKindCase()) {
      case PUSH:
        Push p = f.getPush();
        return "Push{seq="
            + p.getSeq()
            + ", from="
            + p.getFrom()
            + ", to="
            + p.getTo()
            + ", msg_id="
            + p.getMsgId()
            + ", payload="
            + p.getPayload().size()
            + " bytes}";
      case ERROR:
        return "Error{" + f.getError().getCode() + ": " + f.getError().getMessage() + "}";
      case KIND_NOT_SET:
        return f.getUnknownFields().asMap().isEmpty() ? "<empty frame>" : "<frame of unknown kind>";
      default:
        String text = f.toString().replace('\n', ' ').trim();
        return f.getKindCase()
            + "{"
            + (text.length() > 200 ? text.substring(0, 200) + "..." : text)
            + "}";
    }
  }
}
