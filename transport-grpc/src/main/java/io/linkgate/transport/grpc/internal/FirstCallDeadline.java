package io.linkgate.transport.grpc.internal;

import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.transport.PendingHandshakes;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC side of the handshake deadline: a new connection must have started its first call (the
 * HEADERS of a {@code Downlink} or {@code Uplink} call decoded) within the handshake timeout of
 * being accepted, whatever it does meanwhile. A client that trickles its HTTP/2 preface, its
 * SETTINGS or its first HEADERS a byte at a time, or sends nothing, is sent a GOAWAY whose debug
 * data is {@code TIMEOUT: <why>} and closed. gRPC's own handshake timeout covers only TLS, and its
 * idle timers restart with every byte. Once a call has started, the call's own timers take over
 * and this handler leaves the pipeline, giving back the connection's pending-handshake slot.
 *
 * <p>First in the pipeline, it sees every read before gRPC does, and looks after gRPC has decoded
 * it whether a stream was opened. Event loop only.
 */
final class FirstCallDeadline extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FirstCallDeadline.class);

  private final PendingHandshakes.Slot slot;
  private final long timeoutMillis;
  private ScheduledFuture<?> timer;
  private Http2ConnectionHandler http2;

  FirstCallDeadline(PendingHandshakes.Slot slot, long timeoutMillis) {
    this.slot = slot;
    this.timeoutMillis = timeoutMillis;
  }

  /** The prefix of a GOAWAY's debug data that names the Linkgate error behind it. */
  static String debugData(ErrorCode code, String message) {
    return code.name() + ": " + message;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Added before the connection is registered: this runs once it is, on its event loop.
    timer = ctx.executor().schedule(() -> expired(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.fireChannelRead(msg); // decoded by gRPC before this returns
    if (callStarted(ctx)) {
      ctx.pipeline().remove(this);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    slot.release();
  }

  private boolean callStarted(ChannelHandlerContext ctx) {
    if (http2 == null) {
      http2 = ctx.pipeline().get(Http2ConnectionHandler.class); // there once TLS, if any, is done
    }
    return http2 != null && http2.connection().remote().lastStreamCreated() > 0;
  }

  private void expired(ChannelHandlerContext ctx) {
    timer = null;
    if (ctx.isRemoved() || !ctx.channel().isActive()) {
      return;
    }
    if (callStarted(ctx)) {
      ctx.pipeline().remove(this);
      return;
    }
    log.debug("{}: no gRPC call started in time", ctx.channel().remoteAddress());
    if (http2 != null) {
      ChannelHandlerContext h2 = ctx.pipeline().context(http2);
      String why = debugData(ErrorCode.TIMEOUT, "no call started within " + timeoutMillis + " ms");
      http2.goAway(
          h2,
          0,
          Http2Error.NO_ERROR.code(),
          Unpooled.copiedBuffer(why, StandardCharsets.UTF_8),
          h2.newPromise());
      h2.flush();
    }
    ctx.channel().close();
  }
}
