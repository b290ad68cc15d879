package io.linkgate.api.transport;

import io.linkgate.api.proto.Endpoint;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** What downlink and uplink transports have in common: a lifecycle and the ports they listen on. */
public interface Transport {
  /** The transport's name, as in configuration. */
  String name();

  /**
   * Binds every configured port and returns once all are bound. A port that cannot be bound fails
   * the start and releases what was bound.
   */
  void start() throws IOException;

  /** The endpoints actually bound (port 0 in configuration becomes the port the OS chose). */
  List<Endpoint> endpoints();

  /** Stops accepting new connections; open connections carry on. Idempotent. */
  void stopAccepting();

  /**
   * Closes every remaining connection and releases the transport's threads. Idempotent; the stage
   * completes when all is released.
   */
  CompletionStage<Void> shutdown();
}
