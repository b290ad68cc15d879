package io.linkgate.router.stream;

import com.google.protobuf.ByteString;
import java.util.Map;
import java.util.Objects;

/**
 * One uplink {@code Send} as a gateway stored it in the stream.
 *
 * @param id the stream entry's id ({@code <ms>-<n>}), what the consumer group acks
 * @param from the authenticated sender, set by the gateway; never a value the client chose
 * @param device the sending device as named in its uplink's {@code Hello}; may be empty
 * @param to {@code user:<id>} or {@code room:<id>}, checked by the gateway
 * @param clientMsgId the client's idempotency key
 * @param msgId the id the gateway gave the message, as in the client's {@code SendAck}
 * @param payload opaque bytes from the client
 * @param headers opaque metadata from the client
 * @param serverTimeMs when the gateway accepted it, as in the client's {@code SendAck}
 */
public record UplinkMessage(
    String id,
    String from,
    String device,
    String to,
    String clientMsgId,
    String msgId,
    ByteString payload,
    Map<String, String> headers,
    long serverTimeMs) {
  public UplinkMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(clientMsgId, "clientMsgId");
    Objects.requireNonNull(msgId, "msgId");
    Objects.requireNonNull(payload, "payload");
    headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
  }
}
