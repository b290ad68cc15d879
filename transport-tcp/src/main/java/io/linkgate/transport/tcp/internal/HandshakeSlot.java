package io.linkgate.transport.tcp.internal;

import io.linkgate.api.transport.PendingHandshakes;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;

/**
 * Holds a connection's place among its address's pending handshakes while it sits in the pipeline:
 * it is taken out when the session opens ({@link #passed}), and a closed connection's pipeline is
 * torn down, so either way the place is given back exactly once and costs nothing afterwards.
 */
final class HandshakeSlot extends ChannelHandlerAdapter {
  static final String NAME = "handshake-slot";

  private final PendingHandshakes.Slot slot;

  HandshakeSlot(PendingHandshakes.Slot slot) {
    this.slot = slot;
  }

  /** The connection on {@code pipeline} is past its handshake. Event loop only. */
  static void passed(ChannelPipeline pipeline) {
    if (pipeline.get(NAME) != null) {
      pipeline.remove(NAME);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    slot.release();
  }
}
