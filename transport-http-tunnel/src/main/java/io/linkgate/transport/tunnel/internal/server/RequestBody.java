package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.transport.TransportError;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.FrameSplitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body of frames without blocking and within bounds:
 *
 * <ul>
 *   <li>size: the body (413), its number of frames (413), and each frame, whose size is checked
 *       from its length prefix before its bytes are kept;
 *   <li>time: the whole body must arrive within the body timeout from when reading starts (408).
 *       The connection's idle timeout restarts with every byte, so a client sending a byte now and
 *       then would otherwise hold its body's memory for as long as it likes;
 *   <li>memory over all requests: every byte taken in is reserved from the server's {@link
 *       BodyBudget} until the exchange ends (503 while the budget is used up). What is held for
 *       them is their frames, and for a frame partly read at most twice its bytes so far.
 * </ul>
 *
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
  private final BodyBudget budget;
  private final List<Frame> frames = new ArrayList<>();
  private final CompletableFuture<Frames> result = new CompletableFuture<>();
  private long bytes;
  private long heldBytes; // guarded by this
  private boolean exchangeOver; // guarded by this

  private RequestBody(Request request, TunnelContext ctx) {
    this.request = request;
    this.splitter = new FrameSplitter(ctx.limits().maxFrameBytes());
    this.maxBytes = ctx.settings().maxRequestBytes();
    this.maxFrames = ctx.settings().maxFramesPerRequest();
    this.budget = ctx.bodyBudget();
  }

  /**
   * Reads the body of {@code request}. The stage fails with an {@link HttpRefusal}: 413 when the
   * body or its frame count is over the limit (nothing in it may be processed then), 408 when it
   * did not arrive in time, 503 when the server holds too many bodies; or with the I/O failure if
   * the client went away.
   */
  static CompletableFuture<Frames> read(Request request, TunnelContext ctx) {
    RequestBody body = new RequestBody(request, ctx);
    if (request.getLength() > body.maxBytes) {
      body.result.completeExceptionally(body.tooLarge());
      return body.result;
    }
    // Held bytes go back when the exchange is over, however it ends: the frames live until then.
    Request.addCompletionListener(request, failure -> body.releaseHeld());
    body.result.whenComplete(
        (frames, failure) -> {
          TransportError kind =
              frames == null || frames.badFrame() == null
                  ? null
                  : ErrorResponses.kindOf(frames.badFrame().code());
          if (kind != null) {
            ctx.events().error(kind); // the frames before it are still answered
          }
        });
    body.run();
    if (!body.result.isDone()) {
      // Timed only when it did not all arrive with the head, as a small body usually does: a
      // timer costs a scheduling and a cancel, and those would be paid by every request.
      Scheduler.Task deadline = body.startDeadline(ctx);
      body.result.whenComplete((frames, failure) -> deadline.cancel());
    }
    return body.result;
  }

  /** Fails the body with 408 if it is not complete within the body timeout from now. */
  private Scheduler.Task startDeadline(TunnelContext ctx) {
    long timeoutMs = ctx.settings().bodyTimeoutMs();
    return ctx.scheduler()
        .schedule(
            () -> {
              if (result.completeExceptionally(
                  new HttpRefusal(
                      408,
                      ErrorCode.TIMEOUT,
                      "request body not complete within " + timeoutMs + " ms"))) {
                ctx.events().error(TransportError.IO); // a body that stalls: the link's trouble
              }
            },
            timeoutMs,
            TimeUnit.MILLISECONDS);
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
    int size = chunk.remaining();
    bytes += size;
    if (bytes > maxBytes) {
      result.completeExceptionally(tooLarge());
      return;
    }
    if (!hold(size)) {
      result.completeExceptionally(
          new HttpRefusal(
              503, ErrorCode.UNAVAILABLE, "the server holds too many request bodies; retry later"));
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

  /** Reserves {@code size} more bytes of this body; false if the budget has no room for them. */
  private synchronized boolean hold(int size) {
    if (exchangeOver || !budget.tryReserve(size)) {
      return false;
    }
    heldBytes += size;
    return true;
  }

  private synchronized void releaseHeld() {
    exchangeOver = true;
    budget.release(heldBytes);
    heldBytes = 0;
  }

  private HttpRefusal tooLarge() {
    return new HttpRefusal(
        413, ErrorCode.FRAME_TOO_LARGE, "request body over " + maxBytes + " bytes");
  }
}
