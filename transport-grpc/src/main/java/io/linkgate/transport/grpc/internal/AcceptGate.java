package io.linkgate.transport.grpc.internal;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.linkgate.api.transport.PendingHandshakes;

/**
 * Sits on each listening channel, ahead of the acceptor that hands new connections to gRPC, so
 * that every connection meets Linkgate's accept rules before gRPC sees it: one over its address's
 * pending handshakes is closed at once, and every other gets a {@link FirstCallDeadline}, first in
 * its pipeline.
 */
@ChannelHandler.Sharable
final class AcceptGate extends ChannelInboundHandlerAdapter {
  private final PendingHandshakes pending;
  private final long deadlineMillis;

  AcceptGate(PendingHandshakes pending, long deadlineMillis) {
    this.pending = pending;
    this.deadlineMillis = deadlineMillis;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel child) {
      PendingHandshakes.Slot slot = pending.tryAcquire(child.remoteAddress());
      if (slot == null) {
        child.unsafe().closeForcibly(); // not registered yet: nothing else holds it
        return;
      }
      child.pipeline().addLast(new FirstCallDeadline(slot, deadlineMillis));
    }
    ctx.fireChannelRead(msg);
  }
}
