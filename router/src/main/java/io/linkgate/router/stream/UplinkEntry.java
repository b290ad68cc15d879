package io.linkgate.router.stream;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.Send;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layout of one uplink entry in the stream, written by the handler and read by the consumer.
 * Every field is a plain Redis field, so {@code redis-cli XRANGE} shows an entry readably and a
 * service in another language can consume it without a Linkgate library: text fields are UTF-8,
 * {@code server_time_ms} is decimal, {@code payload} holds the client's bytes unchanged, and each
 * client header {@code k} is the field {@code h.k}. The prefix keeps a client's header from ever
 * taking the name of a field the gateway sets, {@code from} above all.
 */
final class UplinkEntry {
  static final String FROM = "from";
  static final String DEVICE = "device";
  static final String TO = "to";
  static final String CLIENT_MSG_ID = "client_msg_id";
  static final String MSG_ID = "msg_id";
  static final String SERVER_TIME_MS = "server_time_ms";
  static final String PAYLOAD = "payload";
  static final String HEADER_PREFIX = "h.";

  private UplinkEntry() {}

  /** The fields of the entry for {@code send}, in the order {@code XRANGE} will show them. */
  static Map<String, byte[]> encode(String from, String device, Send send, String msgId, long serverTimeMs) {
    Map<String, byte[]> fields = new LinkedHashMap<>();
    fields.put(FROM, utf8(from));
    fields.put(DEVICE, utf8(device));
    fields.put(TO, utf8(send.getTo()));
    fields.put(CLIENT_MSG_ID, utf8(send.getClientMsgId()));
    fields.put(MSG_ID, utf8(msgId));
    fields.put(SERVER_TIME_MS, utf8(Long.toString(serverTimeMs)));
    send.getHeadersMap().forEach((k, v) -> fields.put(HEADER_PREFIX + k, utf8(v)));
    fields.put(PAYLOAD, send.getPayload().toByteArray());
    return fields;
  }

  /**
   * @throws IllegalArgumentException if a field the gateway always writes is missing or malformed
   *     (the entry was not written by {@link RedisStreamBusinessHandler})
   */
  static UplinkMessage decode(String id, Map<String, byte[]> body) {
    if (body == null || body.isEmpty()) {
      throw new IllegalArgumentException("entry " + id + " has no fields (deleted?)");
    }
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, byte[]> e : body.entrySet()) {
      if (e.getKey().startsWith(HEADER_PREFIX)) {
        headers.put(e.getKey().substring(HEADER_PREFIX.length()), utf8(e.getValue()));
      }
    }
    String time = text(id, body, SERVER_TIME_MS);
    long serverTimeMs;
    try {
      serverTimeMs = Long.parseLong(time);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("entry " + id + ": server_time_ms is not a number: " + time);
    }
    byte[] payload = body.get(PAYLOAD);
    return new UplinkMessage(
        id,
        text(id, body, FROM),
        body.containsKey(DEVICE) ? utf8(body.get(DEVICE)) : "",
        text(id, body, TO),
        text(id, body, CLIENT_MSG_ID),
        text(id, body, MSG_ID),
        payload == null ? ByteString.EMPTY : ByteString.copyFrom(payload),
        headers,
        serverTimeMs);
  }

  private static String text(String id, Map<String, byte[]> body, String field) {
    byte[] v = body.get(field);
    if (v == null) {
      throw new IllegalArgumentException("entry " + id + " has no field " + field);
    }
    return utf8(v);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
