package io.linkgate.router.internal;

import com.google.protobuf.CodedOutputStream;
import io.linkgate.api.proto.Push;
import java.util.Map;

/**
 * The encoded size of a push being built, computed from its fields: sizing it by building a
 * message first cost a copy of the message on every push, only to check the frame limit.
 */
final class PushSize {
  private PushSize() {}

  /**
   * What {@code push}'s encoding takes, its seq left out (the store assigns it later).
   *
   * @param headers the headers put into {@code push}: taken from the caller because the builder's
   *     own map view costs an allocation per call even when empty, the common case
   */
  static int withoutSeq(Push.Builder push, Map<String, String> headers) {
    int n = 0;
    if (!push.getMsgId().isEmpty()) {
      n += CodedOutputStream.computeStringSize(Push.MSG_ID_FIELD_NUMBER, push.getMsgId());
    }
    if (!push.getFrom().isEmpty()) {
      n += CodedOutputStream.computeStringSize(Push.FROM_FIELD_NUMBER, push.getFrom());
    }
    if (!push.getTo().isEmpty()) {
      n += CodedOutputStream.computeStringSize(Push.TO_FIELD_NUMBER, push.getTo());
    }
    if (!push.getPayload().isEmpty()) {
      n += CodedOutputStream.computeBytesSize(Push.PAYLOAD_FIELD_NUMBER, push.getPayload());
    }
    if (push.getServerTimeMs() != 0) {
      n += CodedOutputStream.computeInt64Size(Push.SERVER_TIME_MS_FIELD_NUMBER, push.getServerTimeMs());
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      // A map entry is a message of key (field 1) and value (field 2); protobuf-java writes both,
      // empty or not.
      int entry =
          CodedOutputStream.computeStringSize(1, h.getKey()) + CodedOutputStream.computeStringSize(2, h.getValue());
      n += CodedOutputStream.computeTagSize(Push.HEADERS_FIELD_NUMBER)
          + CodedOutputStream.computeUInt32SizeNoTag(entry)
          + entry;
    }
    return n;
  }
}
