package io.linkgate.transport.tcp.internal;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frames: each a varint32 length, then that many bytes of protobuf.
 *
 * <p>Emits, in stream order, a {@link io.linkgate.api.proto.Frame} for each good frame and a {@link
 * GatewayException} for each bad one; the handler after it decides what a bad frame costs. The
 * length is checked against the limit as soon as the header is complete, so an oversized frame is
 * never buffered: its body is skipped as it arrives and the frame after it still decodes. A body
 * that is not protobuf is skipped the same way. Only a malformed length (more than five varint
 * bytes) leaves no way to find the next frame; everything after it is discarded.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;

  /** Bytes of an oversized frame still to skip. */
  private long skipping;

  /** Set after a malformed length: the stream can no longer be split. */
  private boolean lost;

  public FrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (lost) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (skipping > 0) {
      skip(in);
      if (skipping > 0) {
        return;
      }
    }
    int start = in.readerIndex();
    int readable = in.readableBytes();
    long length = 0;
    int header = 0;
    while (true) {
      if (header == readable) {
        return; // the length is not complete yet
      }
      if (header == FrameCodec.MAX_HEADER_BYTES) {
        lost = true;
        in.skipBytes(readable);
        out.add(new GatewayException(ErrorCode.BAD_FRAME, "malformed frame length"));
        return;
      }
      byte b = in.getByte(start + header);
      length |= (long) (b & 0x7f) << (7 * header);
      header++;
      if (b >= 0) {
        break;
      }
    }
    if (length > maxFrameBytes) {
      in.skipBytes(header);
      skipping = length;
      skip(in);
      out.add(
          new GatewayException(
              ErrorCode.FRAME_TOO_LARGE,
              "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes));
      return;
    }
    int size = (int) length;
    if (readable < header + size) {
      return; // wait for the body; at most maxFrameBytes are ever buffered
    }
    int bodyStart = start + header;
    in.readerIndex(bodyStart + size);
    try {
      out.add(FrameCodec.parseBody(in.nioBuffer(bodyStart, size)));
    } catch (GatewayException e) {
      out.add(e);
    }
  }

  /** What the decoder keeps between reads (an incomplete frame), for tests; event loop only. */
  ByteBuf heldBuffer() {
    return internalBuffer();
  }

  private void skip(ByteBuf in) {
    int n = (int) Math.min(skipping, in.readableBytes());
    in.skipBytes(n);
    skipping -= n;
  }
}
