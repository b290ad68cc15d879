package io.linkgate.transport.tunnel.internal.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** A downlink session carried by one streamed response. */
final class StreamDownlink extends TunnelDownlink {
  private final StreamingDownlinkChannel channel;

  StreamDownlink(String deviceId, StreamingDownlinkChannel channel, Executor executor) {
    super(deviceId, executor);
    this.channel = channel;
  }

  @Override
  CompletableFuture<Void> terminate() {
    channel.close(null);
    return channel.finished();
  }

  @Override
  long bufferedBytes() {
    return channel.bufferedBytes();
  }

  @Override
  StreamingDownlinkChannel channel() {
    return channel;
  }
}
