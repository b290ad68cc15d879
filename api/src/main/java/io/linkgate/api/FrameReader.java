package io.linkgate.api;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads length-prefixed frames from a blocking stream (a streamed HTTP body, a socket), checking
 * each length against the limit before reading the body. Not thread-safe.
 */
public final class FrameReader {
  private final InputStream in;
  private final int maxFrameBytes;

  public FrameReader(InputStream in, int maxFrameBytes) {
    this.in = in;
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * The next frame, or {@code null} at a clean end of stream (between frames).
   *
   * @throws EOFException if the stream ends inside a frame
   * @throws GatewayException for an oversized or undecodable frame
   */
  public Frame read() throws IOException {
    int length = 0;
    for (int i = 0; ; i++) {
      int b = in.read();
      if (b < 0) {
        if (i == 0) {
          return null;
        }
        throw new EOFException("stream ended inside a frame length");
      }
      if (i == FrameCodec.MAX_HEADER_BYTES) {
        throw new GatewayException(ErrorCode.BAD_FRAME, "malformed frame length");
      }
      length |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (length < 0 || length > maxFrameBytes) {
      throw new GatewayException(
          ErrorCode.FRAME_TOO_LARGE,
          "frame of " + Integer.toUnsignedString(length) + " bytes exceeds the limit of "
              + maxFrameBytes);
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new EOFException("stream ended inside a frame");
    }
    return FrameCodec.parseBody(body, 0, length);
  }
}
