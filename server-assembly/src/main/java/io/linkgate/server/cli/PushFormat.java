package io.linkgate.server.cli;

import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.SendAck;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** How pushes and acks look on standard output: one line each, easy to read and to grep. */
final class PushFormat {
  private PushFormat() {}

  /** {@code [seq 3] alice -> user:bob: hello}; room messages show {@code [room]} (they have no seq). */
  static String push(Push p) {
    String seq = p.getSeq() == 0 ? "[room]" : "[seq " + p.getSeq() + "]";
    return seq + " " + p.getFrom() + " -> " + p.getTo() + ": " + p.getPayload().toString(StandardCharsets.UTF_8);
  }

  static String ack(String to, SendAck ack) {
    return "sent to " + to + ": msg_id=" + ack.getMsgId() + " client_msg_id=" + ack.getClientMsgId()
        + " server_time=" + Instant.ofEpochMilli(ack.getServerTimeMs());
  }
}
