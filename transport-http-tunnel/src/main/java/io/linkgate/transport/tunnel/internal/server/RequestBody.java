package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.FrameSplitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body of frames without blocking and within bounds: the body's size, the number of
 * frames, and each frame's size, which is checked from its length prefix before its bytes are kept.
 * Reading stops at the first bad frame; the frames before it still count.
 */
final class RequestBody implements Runnable {
  /**
   * What the body held.
   *
   * @param frames the good frames, in order
   * @param badFrame why reading stopped at a frame (too large, undecodable, truncated), or null
   */
  record Frames(List<Frame> frames, GatewayException badFrame) {}

  private final Request request;
  private final FrameSplitter splitter;
  private final long maxBytes;
  private final int maxFrames;
  private final List<Frame> frames = new ArrayList<>();
  private final CompletableFuture<Frames> result = new CompletableFuture<>();
  private long bytes;

  private RequestBody(Request request, int maxFrameBytes, long maxBytes, int maxFrames) {
    this.request = request;
    this.splitter = new FrameSplitter(maxFrameBytes);
    this.maxBytes = maxBytes;
    this.maxFrames = maxFrames;
  }

  /**
   * Reads the body of {@code request}. The stage fails with a 413 {@link HttpRefusal} when the body
   * or its frame count is over the limit (nothing in it may be processed then), or with the I/O
   * failure if the client went away.
   */
  static CompletableFuture<Frames> read(
      Request request, int maxFrameBytes, long maxBytes, int maxFrames) {
    RequestBody body = new RequestBody(request, maxFrameBytes, maxBytes, maxFrames);
    long declared = request.getLength();
    if (declared > maxBytes) {
      body.result.completeExceptionally(body.tooLarge());
    } else {
      body.run();
    }
    return body.result;
  }

  @Override
  public void run() {
    while (!result.isDone()) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        result.completeExceptionally(chunk.getFailure());
        return;
      }
      try {
        consume(chunk);
      } finally {
        chunk.release();
      }
    }
  }

  private void consume(Content.Chunk chunk) {
    bytes += chunk.remaining();
    if (bytes > maxBytes) {
      result.completeExceptionally(tooLarge());
      return;
    }
    try {
      splitter.feed(chunk.getByteBuffer(), this::add);
    } catch (HttpRefusal e) {
      result.completeExceptionally(e);
      return;
    } catch (GatewayException e) {
      result.complete(new Frames(List.copyOf(frames), e));
      return;
    }
    if (chunk.isLast()) {
      GatewayException truncated =
          splitter.isBetweenFrames()
              ? null
              : new GatewayException(ErrorCode.BAD_FRAME, "body ends inside a frame");
      result.complete(new Frames(List.copyOf(frames), truncated));
    }
  }

  private void add(Frame frame) {
    if (frames.size() == maxFrames) {
      throw new HttpRefusal(
          413, ErrorCode.INVALID_ARGUMENT, "more than " + maxFrames + " frames in one request");
    }
    frames.add(frame);
  }

  private HttpRefusal tooLarge() {
    return new HttpRefusal(
        413, ErrorCode.FRAME_TOO_LARGE, "request body over " + maxBytes + " bytes");
  }
}
