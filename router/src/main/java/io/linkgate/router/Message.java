package io.linkgate.router;

import com.google.protobuf.ByteString;
import java.util.Map;
import java.util.Objects;

/**
 * What a business service hands the router to deliver.
 *
 * @param from the sending user id (empty for a system message); on a client's {@code Send} the
 *     router always sets it to the authenticated user
 * @param to the destination as it appears in the {@code Push} ({@code user:<id>} or {@code room:<id>})
 * @param payload opaque bytes for the client
 * @param headers opaque metadata for the client
 */
public record Message(String from, String to, ByteString payload, Map<String, String> headers) {
  public Message {
    from = from == null ? "" : from;
    to = to == null ? "" : to;
    payload = payload == null ? ByteString.EMPTY : payload;
    // Most messages have no headers: copying an empty map still walks it (protobuf's view of a
    // message's empty map field allocates an iterator for that).
    headers = headers == null || headers.isEmpty() ? Map.of() : Map.copyOf(headers);
  }

  public static Message of(String from, String to, byte[] payload) {
    return new Message(from, to, ByteString.copyFrom(Objects.requireNonNull(payload, "payload")), Map.of());
  }
}
