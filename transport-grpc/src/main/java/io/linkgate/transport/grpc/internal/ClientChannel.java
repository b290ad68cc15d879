package io.linkgate.transport.grpc.internal;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint's {@link ManagedChannel}, shared by every call to it, and a count of the
 * connections it has lost: an uplink is "open" while the connection it was opened on lives, as a
 * TCP uplink is, although gRPC would quietly reconnect for the next call.
 */
final class ClientChannel {
  private final ManagedChannel channel;
  private final AtomicLong connectionsLost = new AtomicLong();

  ClientChannel(ManagedChannel channel) {
    this.channel = channel;
    watch(channel.getState(false));
  }

  ManagedChannel channel() {
    return channel;
  }

  /** Changes whenever a ready connection goes away. */
  long generation() {
    return connectionsLost.get();
  }

  boolean isReady() {
    return channel.getState(false) == ConnectivityState.READY;
  }

  /** One watcher per channel, re-armed on every change; stops once the channel is shut down. */
  private void watch(ConnectivityState seen) {
    if (seen == ConnectivityState.SHUTDOWN) {
      connectionsLost.incrementAndGet();
      return;
    }
    channel.notifyWhenStateChanged(
        seen,
        () -> {
          if (seen == ConnectivityState.READY) {
            connectionsLost.incrementAndGet();
          }
          watch(channel.getState(false));
        });
  }
}
