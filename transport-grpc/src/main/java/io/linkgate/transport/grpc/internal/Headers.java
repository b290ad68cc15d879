package io.linkgate.transport.grpc.internal;

import io.grpc.Metadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The metadata of an uplink call: {@code authorization: Bearer <token>} and {@code
 * x-linkgate-device-id: <device id>}. A call without {@code authorization} must carry a {@code
 * Hello}, which opens (authenticates) the uplink and is answered with its {@code Welcome}.
 *
 * <p>Metadata values are printable ASCII, device ids need not be: the id's UTF-8 bytes go as they
 * are when they are printable ASCII other than {@code %}, and as {@code %XX} otherwise (as gRPC
 * encodes {@code grpc-message}). An id of letters, digits and dashes is sent unchanged.
 */
final class Headers {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> DEVICE_ID =
      Metadata.Key.of("x-linkgate-device-id", Metadata.ASCII_STRING_MARSHALLER);

  private static final String BEARER = "bearer ";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private Headers() {}

  /** Metadata for one uplink frame call. */
  static Metadata uplink(String token, String deviceId) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    if (!deviceId.isEmpty()) {
      headers.put(DEVICE_ID, encodeDeviceId(deviceId));
    }
    return headers;
  }

  /** The token in an {@code authorization} value, or null if it is not {@code Bearer <token>}. */
  static String bearerToken(String authorization) {
    if (authorization.length() <= BEARER.length()
        || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return null;
    }
    return authorization.substring(BEARER.length()).trim();
  }

  static String encodeDeviceId(String deviceId) {
    StringBuilder out = new StringBuilder(deviceId.length());
    for (byte b : deviceId.getBytes(StandardCharsets.UTF_8)) {
      if (b >= 0x20 && b < 0x7f && b != '%') {
        out.append((char) b);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return out.toString();
  }

  /**
   * The device id an {@code x-linkgate-device-id} value names.
   *
   * @throws IllegalArgumentException for a {@code %} not followed by two hex digits
   */
  static String decodeDeviceId(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
      if (low < 0) {
        throw new IllegalArgumentException("malformed %-escape in x-linkgate-device-id");
      }
      bytes.write((high << 4) | low);
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
